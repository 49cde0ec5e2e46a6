# Commentdesk: `docker build -t commentdesk . && docker run -p 8000:8000 -v data:/app/data commentdesk`
# The same steps as `make run`: migrate, then serve. SQLite in /app/data unless DATABASE_URL is set.
# Installed editable, like `make run`: templates/ and migrations/ are read from the source tree.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --create-home --uid 10001 commentdesk
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY comments ./comments
COPY templates ./templates
COPY migrations ./migrations
RUN pip install -e . && mkdir -p /app/data && chown commentdesk:commentdesk /app/data

USER commentdesk
ENV DATA_DIR=/app/data
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "alembic upgrade head && exec uvicorn --factory app.main:create_app --http app.server:NoDelayH11Protocol --host 0.0.0.0 --port 8000"]
