"""Shared transports (HTTPS, SFTP, S3, e-mail); a partner's connector picks one."""
