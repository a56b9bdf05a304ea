"""The platform-neutral conversation core: neutral messages in, neutral replies out."""
