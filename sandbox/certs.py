"""A self-signed TLS certificate for the sandbox, and a CA bundle that trusts it next to the public CAs."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def ensure(folder: Path) -> tuple[Path, Path, Path]:
    """(certificate, key, CA bundle) under `folder`, created once."""
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path, bundle_path = folder / "sandbox.crt", folder / "sandbox.key", folder / "ca-bundle.pem"
    if not (cert_path.exists() and key_path.exists()):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Integrações partner sandbox")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    bundle_path.write_bytes(Path(certifi.where()).read_bytes() + b"\n" + cert_path.read_bytes())
    return cert_path, key_path, bundle_path


def ssh_host_key(folder: Path, name: str = "sftp_host_key") -> tuple[Path, str]:
    """(key file, its OpenSSH SHA-256 fingerprint): the SFTP server's host key, created once so clients see the
    same server across restarts (and a demo integration can carry its fingerprint before the server starts)."""
    import asyncssh

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(path))
        path.chmod(0o600)
    return path, str(asyncssh.read_private_key(str(path)).get_fingerprint("sha256"))
