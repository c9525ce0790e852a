"""Configuration: settings from the environment, the plugin's identity, enterprise controls."""
