"""Jobs: the database as a durable queue and the workers that drain it. A claim is a lease
renewed by heartbeats, so a dead worker's job returns; processing one document (read,
classify, extract, check) is pure and lives in `processing`; named crash points let tests cut
the power at an exact step."""
