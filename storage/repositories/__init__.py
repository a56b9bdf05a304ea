"""SQLAlchemy repositories, one per workflow port."""
