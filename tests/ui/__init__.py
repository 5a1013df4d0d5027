"""VốnXoay tests."""
