"""coopctl: cooperation agreements in a plain TOML store, renewed in time."""

__version__ = "0.1.0"
