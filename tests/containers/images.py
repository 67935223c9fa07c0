"""The images of `make test-containers`, built on this machine: nothing can be pulled from a registry here, so
each image a registry would give is built from Debian (debootstrap) and PyPI packages.

    localhost/integracoes-debian:bookworm      debootstrap's minimal Debian, imported (the base of the others)
    localhost/integracoes-airflow-base:3.3.2   stand-in for apache/airflow:3.3.2-python3.11 (airflow-base.Dockerfile)
    localhost/integracoes-airflow:latest       the repository's Dockerfile on that base: the product image
    localhost/integracoes-postgres:test        stand-in for postgres (postgres.Dockerfile)
    localhost/integracoes-redis:test           stand-in for redis (redis.Dockerfile)
    localhost/integracoes-sandbox:test         the partner sandbox, and moto's S3 server for MinIO (sandbox.Dockerfile)

`python -m tests.containers.images` builds what is missing and then the product image again on a warm cache,
and prints each image's size and build time: the product image's first build is cold on a machine that never
built it (a fresh CI machine), and its second shows what a release that changes no requirement costs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

DEBIAN = "localhost/integracoes-debian:bookworm"
AIRFLOW_BASE = "localhost/integracoes-airflow-base:3.3.2"
PRODUCT = "localhost/integracoes-airflow:latest"
POSTGRES = "localhost/integracoes-postgres:test"
REDIS = "localhost/integracoes-redis:test"
SANDBOX = "localhost/integracoes-sandbox:test"

# podman's engine settings for this kernel (hybrid cgroups refuse crun; default ulimits cannot be set).
ENGINE_SETTINGS = Path("/etc/containers/containers.conf")
ENGINE_CONF = """[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
"""
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


@dataclass(frozen=True)
class Built:
    image: str
    seconds: float | None  # None: it was there already
    note: str = ""

    def line(self) -> str:
        took = "already built" if self.seconds is None else f"{self.seconds:6.1f} s"
        return f"  {self.image:<40} {size_mb(self.image):7.0f} MB   {took} {self.note}"


def podman(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["podman", *args], check=True, text=True, **kwargs)  # type: ignore[call-overload, no-any-return]


def exists(image: str) -> bool:
    return subprocess.run(["podman", "image", "exists", image], check=False).returncode == 0


def size_mb(image: str) -> float:
    found = podman("image", "inspect", image, capture_output=True).stdout
    return float(json.loads(found)[0]["Size"]) / 1e6


def engine_settings() -> None:
    """Write podman's settings for this machine once (a machine with its own containers.conf keeps it)."""
    if not ENGINE_SETTINGS.exists() or "runc" not in ENGINE_SETTINGS.read_text():
        ENGINE_SETTINGS.parent.mkdir(parents=True, exist_ok=True)
        ENGINE_SETTINGS.write_text(ENGINE_CONF)


def debian_mirror() -> str:
    """The Debian mirror apt uses on this machine (the one reachable from here)."""
    for sources in sorted(Path("/etc/apt/sources.list.d").glob("*.sources")):
        for line in sources.read_text().splitlines():
            if line.startswith("URIs:") and "security" not in line:
                return line.split()[1]
    return "http://deb.debian.org/debian"


def timed(build: Callable[[], None]) -> float:
    started = time.monotonic()
    build()
    return time.monotonic() - started


def build_debian() -> None:
    with tempfile.TemporaryDirectory(prefix="rootfs-") as rootfs:
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", rootfs, debian_mirror()], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        podman("import", "-", DEBIAN, stdin=tar.stdout, stdout=subprocess.DEVNULL)
        tar.wait()


def build_airflow_base() -> None:
    # Its context holds the build machine's CA bundle, which pip inside the build needs to reach PyPI.
    with tempfile.TemporaryDirectory(prefix="airflow-base-") as context:
        for name in ("airflow-base.Dockerfile", "airflow-entrypoint.sh"):
            shutil.copy2(HERE / name, context)
        shutil.copy2(HOST_CA_BUNDLE, Path(context) / "ca-bundle.crt")
        podman("build", "-q", "--network", "host", "-f", "airflow-base.Dockerfile", "-t", AIRFLOW_BASE, context,
               stdout=subprocess.DEVNULL)  # fmt: skip


def build_product() -> None:
    podman("build", "-q", "--network", "host", "--build-arg", f"BASE={AIRFLOW_BASE}", "-t", PRODUCT, str(REPO),
           stdout=subprocess.DEVNULL)  # fmt: skip


def build_from(dockerfile: str, image: str, context: Path = HERE, *extra: str) -> None:
    podman("build", "-q", "--network", "host", *extra, "-f", str(HERE / dockerfile), "-t", image, str(context),
           stdout=subprocess.DEVNULL)  # fmt: skip


def build_sandbox() -> None:
    build_from("sandbox.Dockerfile", SANDBOX, REPO, f"--build-arg=PRODUCT={PRODUCT}")


def build_all() -> list[Built]:
    engine_settings()
    built = [
        Built(DEBIAN, None if exists(DEBIAN) else timed(build_debian)),
        Built(AIRFLOW_BASE, None if exists(AIRFLOW_BASE) else timed(build_airflow_base)),
    ]
    cold = not exists(PRODUCT)
    # Built every time: the code it carries is this checkout's.
    built.append(Built(PRODUCT, timed(build_product), "(first build, cold cache)" if cold else "(layer cache present)"))
    built.append(Built(PRODUCT, timed(build_product), "(again, warm cache)"))
    built += [
        Built(POSTGRES, None if exists(POSTGRES) else timed(lambda: build_from("postgres.Dockerfile", POSTGRES))),
        Built(REDIS, None if exists(REDIS) else timed(lambda: build_from("redis.Dockerfile", REDIS))),
        Built(SANDBOX, timed(build_sandbox)),
    ]
    return built


def main() -> None:
    started = time.monotonic()
    built = build_all()
    print(f"Images ({time.monotonic() - started:.0f} s in all):")
    print("\n".join(b.line() for b in built))


if __name__ == "__main__":
    main()
