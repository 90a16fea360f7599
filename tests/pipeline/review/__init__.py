"""Review: rule results on stored documents, corrections, approval policy, duplicates."""
