"""A private Docker host for the compose tier, made from registries only.

CI (and a developer who wants to run the compose tier here) has no Docker
daemon and no image registry. This makes one that leaves nothing behind:

* Debian's `docker.io` and `debootstrap` (apt, when missing; needs root);
* a `dockerd` of its own: --data-root, --exec-root and the API socket under
  one folder (default /var/tmp/stedi-docker, $STEDI_DOCKER_DIR), so it never
  touches a system daemon;
* the compose v2 plugin, built from the Go module proxy at COMPOSE_VERSION
  (`go install` refuses its go.mod's exclude directives: it is built as the
  main module) and cached in $STEDI_CACHE_DIR;
* the one base image every Dockerfile starts from (settings.BASE_IMAGE), made
  from this machine's Debian mirror with debootstrap and `docker import`: the
  only part no registry here can give. The machine's extra CA certificates
  (a TLS-inspecting egress proxy) go into it, so apt, Maven, Go and pip in the
  builds trust what the host trusts.

`stop()` ends the daemon and its containerd, then undoes what dockerd did to
the host (iptables chains and rules, the FORWARD policy, docker0, the compose
networks' bridges, ip_forward); `leftovers()` lists whatever is still there.

    python integration_tests/dockerhost.py up      # prints the env to export
    python integration_tests/dockerhost.py down    # stop, clean, list leftovers
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:  # run as a script without the venv
    sys.path.insert(0, str(SRC))

from stedi.settings import BASE_IMAGE, COMPOSE_VERSION

COMPOSE_MODULE = "github.com/docker/compose/v5"
IPTABLES_TABLES = ("filter", "nat")


def _log(msg: str) -> None:
    print(f"[dockerhost] {msg}", file=sys.stderr, flush=True)


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)
    except FileNotFoundError as exc:  # e.g. no iptables: nothing of docker's to undo
        return subprocess.CompletedProcess(cmd, 127, "", str(exc))


def _links() -> set[str]:
    out = _run(["ip", "-o", "link", "show"]).stdout
    return {line.split(":")[1].strip().split("@")[0] for line in out.splitlines()}


def _docker_rules(table: str) -> list[str]:
    out = _run(["iptables", "-t", table, "-S"]).stdout
    return [ln for ln in out.splitlines() if re.search(r"DOCKER|docker0|br-[0-9a-f]{12}", ln)]


def _forward_policy() -> str:
    out = _run(["iptables", "-S", "FORWARD"]).stdout
    return out.splitlines()[0].split()[-1] if out else "ACCEPT"


def apt_mirror() -> str:
    """The Debian mirror this machine's apt uses (first `debian` URI of its sources)."""
    texts = []
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        if path.suffix in (".list", ".sources") and path.is_file():
            texts.append(path.read_text())
    for text in texts:
        for uri in re.findall(r"https?://\S+", "\n".join(
                ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))):
            if uri.rstrip("/").endswith("/debian"):
                return uri.rstrip("/")
    raise RuntimeError("no Debian mirror in /etc/apt/sources.list(.d); set STEDI_DEBIAN_MIRROR")


class DockerHost:
    def __init__(self, root: Path | None = None, cache: Path | None = None):
        self.root = Path(root or os.environ.get("STEDI_DOCKER_DIR") or "/var/tmp/stedi-docker")
        self.cache = Path(cache or os.environ.get("STEDI_CACHE_DIR")
                          or Path.home() / ".cache" / "stedi")
        self.socket = self.root / "docker.sock"
        self.pid_file = self.root / "dockerd.pid"
        self.config = self.root / "config"  # DOCKER_CONFIG: the compose plugin
        self.state_file = self.root / "host-before.json"

    # -- what the tests and the compose CLI need ---------------------------------------
    @property
    def env(self) -> dict[str, str]:
        return {"DOCKER_HOST": f"unix://{self.socket}", "DOCKER_CONFIG": str(self.config)}

    def docker(self, *args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
        proc = _run(["docker", *args], env=dict(os.environ, **self.env), **kw)
        if check and proc.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)}: {proc.stdout}{proc.stderr}")
        return proc

    # -- set-up --------------------------------------------------------------------------
    def install_packages(self) -> None:
        missing = [pkg for pkg, tool in (("docker.io", "dockerd"), ("debootstrap", "debootstrap"))
                   if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists()]
        if missing:
            _log(f"apt-get install {' '.join(missing)}")
            subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=900", "install", "-y", "-qq",
                            "--no-install-recommends", *missing], check=True,
                           stdout=subprocess.DEVNULL)

    def daemon_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def start(self, timeout: float = 60) -> None:
        if self.daemon_pid():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        # What dockerd changes on the host, as it was: stop() puts it back.
        self.state_file.write_text(json.dumps({
            "links": sorted(_links()), "forward_policy": _forward_policy(),
            "ip_forward": Path("/proc/sys/net/ipv4/ip_forward").read_text().strip()}))
        log = (self.root / "dockerd.log").open("ab")
        subprocess.Popen(
            ["dockerd", "--data-root", str(self.root / "data"),
             "--exec-root", str(self.root / "exec"), "-H", f"unix://{self.socket}",
             "-p", str(self.pid_file)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.docker("info", check=False).returncode == 0:
                return
            time.sleep(1)
        raise RuntimeError(f"dockerd not ready after {timeout:.0f}s; log: {self.root}/dockerd.log")

    def compose_plugin(self) -> Path:
        """docker-compose COMPOSE_VERSION built from the Go module proxy (cached)."""
        built = self.cache / "bin" / f"docker-compose-{COMPOSE_VERSION}"
        if not built.exists():
            _log(f"building docker compose {COMPOSE_VERSION} from the Go module proxy")
            env = dict(os.environ, GOFLAGS="-modcacherw", CGO_ENABLED="0", GOTOOLCHAIN="local")
            out = subprocess.run(["go", "mod", "download", "-json",
                                  f"{COMPOSE_MODULE}@{COMPOSE_VERSION}"], env=env, check=True,
                                 capture_output=True, text=True).stdout
            src = self.root / "compose-src"
            shutil.rmtree(src, ignore_errors=True)
            shutil.copytree(json.loads(out)["Dir"], src)
            subprocess.run(["chmod", "-R", "u+w", str(src)], check=True)
            built.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["go", "build", "-trimpath", "-ldflags",
                            f"-s -w -X {COMPOSE_MODULE}/internal.Version={COMPOSE_VERSION}",
                            "-o", str(built.with_suffix(".tmp")), "./cmd"],
                           cwd=src, env=env, check=True)
            built.with_suffix(".tmp").rename(built)
            shutil.rmtree(src, ignore_errors=True)
        plugins = self.config / "cli-plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        target = plugins / "docker-compose"
        target.unlink(missing_ok=True)
        target.symlink_to(built)
        return target

    def base_image(self) -> None:
        """BASE_IMAGE from the Debian mirror (debootstrap minbase + docker import)."""
        if self.docker("image", "inspect", BASE_IMAGE, check=False).returncode == 0:
            return
        mirror = os.environ.get("STEDI_DEBIAN_MIRROR") or apt_mirror()
        rootfs = self.root / "rootfs"
        shutil.rmtree(rootfs, ignore_errors=True)
        _log(f"debootstrap {BASE_IMAGE} from the machine's Debian mirror")
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs), mirror],
                       check=True, stdout=subprocess.DEVNULL)
        (rootfs / "etc/apt/sources.list").unlink(missing_ok=True)
        (rootfs / "etc/apt/sources.list.d/debian.sources").write_text(
            f"Types: deb\nURIs: {mirror}\nSuites: bookworm bookworm-updates\n"
            "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
            f"Types: deb\nURIs: {mirror}-security\nSuites: bookworm-security\n"
            "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
        # like the official slim image: no .deb cache kept in layers
        (rootfs / "etc/apt/apt.conf.d/docker-clean").write_text(
            'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb || true"; };\n'
            'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";\n')
        cas = rootfs / "usr/local/share/ca-certificates"
        cas.mkdir(parents=True, exist_ok=True)
        for crt in Path("/usr/local/share/ca-certificates").glob("*.crt"):
            shutil.copy(crt, cas / crt.name)
        for junk in ("var/lib/apt/lists", "var/cache/apt/archives"):
            for path in (rootfs / junk).glob("*"):
                if path.is_file():
                    path.unlink()
        tar = subprocess.Popen(["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."],
                               stdout=subprocess.PIPE)
        subprocess.run(["docker", "import", "--change", 'CMD ["bash"]', "-", BASE_IMAGE],
                       stdin=tar.stdout, env=dict(os.environ, **self.env), check=True,
                       stdout=subprocess.DEVNULL)
        tar.wait()
        shutil.rmtree(rootfs, ignore_errors=True)

    def up(self) -> None:
        self.install_packages()
        self.start()
        self.compose_plugin()
        self.base_image()

    # -- tear-down -----------------------------------------------------------------------
    def stop(self, timeout: float = 60) -> None:
        """Stop dockerd (it stops its containerd), then undo its host changes."""
        pid = self.daemon_pid()
        if pid:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.daemon_pid():
                time.sleep(0.5)
            if self.daemon_pid():
                os.kill(pid, signal.SIGKILL)
        for proc in self._our_processes():
            os.kill(proc, signal.SIGKILL)
        try:
            before = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            before = {"links": sorted(_links()), "forward_policy": "ACCEPT", "ip_forward": None}
        for table in IPTABLES_TABLES:
            rules = _docker_rules(table)
            for rule in rules:  # rules first, then the (now empty) chains
                if rule.startswith("-A "):
                    _run(["iptables", "-t", table, "-D", *rule.split()[1:]])
            for rule in rules:
                if rule.startswith("-N "):
                    _run(["iptables", "-t", table, "-F", rule.split()[1]])
                    _run(["iptables", "-t", table, "-X", rule.split()[1]])
        _run(["iptables", "-P", "FORWARD", before["forward_policy"]])
        for link in _links() - set(before["links"]):
            if link == "docker0" or link.startswith(("br-", "veth")):
                _run(["ip", "link", "delete", link])
        if before.get("ip_forward") is not None:
            Path("/proc/sys/net/ipv4/ip_forward").write_text(before["ip_forward"] + "\n")
        mounts = [ln.split()[1] for ln in Path("/proc/mounts").read_text().splitlines()
                  if ln.split()[1].startswith(str(self.root))]
        for mount in sorted(mounts, reverse=True):
            _run(["umount", "-l", mount])

    def _our_processes(self) -> list[int]:
        """Processes started for this host: its containerd and shims (by exec root)."""
        found = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(self.root) in cmd and ("containerd" in cmd or "dockerd" in cmd):
                found.append(int(proc.name))
        return found

    def leftovers(self) -> list[str]:
        """What is still there of this host after stop(): empty when clean."""
        left = []
        if self.daemon_pid():
            left.append(f"dockerd pid {self.daemon_pid()}")
        left += [f"process {pid}" for pid in self._our_processes()]
        for table in IPTABLES_TABLES:
            left += [f"iptables -t {table}: {rule}" for rule in _docker_rules(table)]
        try:
            before = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            before = None
        if before:
            if _forward_policy() != before["forward_policy"]:
                left.append(f"FORWARD policy {_forward_policy()}")
            new = {ln for ln in _links() - set(before["links"])
                   if ln == "docker0" or ln.startswith(("br-", "veth"))}
            left += [f"link {ln}" for ln in sorted(new)]
            now = Path("/proc/sys/net/ipv4/ip_forward").read_text().strip()
            if now != before["ip_forward"]:
                left.append(f"ip_forward {now} (was {before['ip_forward']})")
        left += [f"mount {ln.split()[1]}" for ln in Path("/proc/mounts").read_text().splitlines()
                 if ln.split()[1].startswith(str(self.root))]
        return left


if __name__ == "__main__":
    host = DockerHost()
    if sys.argv[1:] == ["up"]:
        host.up()
        for key, value in host.env.items():
            print(f"export {key}={value}")
    elif sys.argv[1:] == ["down"]:
        host.stop()
        left = host.leftovers()
        print("\n".join(left) or "nothing left", file=sys.stderr)
        sys.exit(1 if left else 0)
    else:
        sys.exit("usage: dockerhost.py up|down")
