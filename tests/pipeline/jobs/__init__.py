"""Jobs: the queue and the workers that process documents."""
