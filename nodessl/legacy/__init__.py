"""Deprecated APIs of Node's tls module (filled by a later issue)."""
