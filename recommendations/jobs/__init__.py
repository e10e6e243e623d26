"""Background jobs: report imports started in the admin, run by the worker with their
progress, heartbeat and result recorded (models.ImportJob); the watch over jobs whose worker
died."""
