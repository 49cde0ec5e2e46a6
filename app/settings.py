"""Settings from the environment (prefix-free names: DATABASE_URL, SECRET_KEY, ...)."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the SQLite file and the secret key live.")
    database_url: str | None = Field(default=None, description="Default: sqlite:///<data_dir>/commentdesk.db")
    secret_key: str | None = Field(default=None, description="Default: generated once, kept in <data_dir>.")
    max_upload_mb: float = Field(default=10.0, gt=0, description="Largest draft file accepted, in MB.")
    max_paste_mb: float = Field(default=5.0, gt=0, description="Largest pasted draft text accepted, in MB.")
    https_only: bool = Field(default=False, description="Mark cookies Secure (set behind HTTPS).")
    gc_freeze: bool = Field(default=True, description="At startup, compile the templates and move every object "
                            "made so far out of the garbage collector's sight (gc.freeze): full collections then "
                            "scan only what requests made, so no ~100 ms pauses (bench/coedit.py).")
    semantic_matching: bool = Field(default=False, description="Add sentence embeddings to suggestions when the "
                                    "model package is installed: measured no better and far slower (bench/reuse.py).")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_paste_bytes(self) -> int:
        return int(self.max_paste_mb * 1024 * 1024)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'commentdesk.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated on first run and kept (mode 600) in the data folder."""
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(48))
        return key_file.read_text().strip()
