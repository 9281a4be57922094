"""Names of sync targets and S3 URLs: plain string rules, importable without boto3 (the window uses them)."""


def normalise_prefix(prefix: str) -> str:
    prefix = prefix.strip().strip("/")
    return f"{prefix}/" if prefix else ""


def target_id(endpoint: str | None, bucket: str, prefix: str) -> str:
    """What sync state is recorded against: another endpoint, bucket or prefix starts afresh."""
    return f"{endpoint or 'aws'}|{bucket}|{normalise_prefix(prefix)}"


def is_s3_url(value: str) -> bool:
    return str(value).startswith("s3://")
