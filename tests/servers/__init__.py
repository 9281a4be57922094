"""Real servers started by the tests (no mocks): SeaweedFS for S3, GStreamer for RTSP cameras."""
