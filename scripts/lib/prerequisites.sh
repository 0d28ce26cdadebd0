# Sourced by the scripts in scripts/: fail loudly, or install, when a
# tool the project needs is missing.

need_cargo() {
  command -v cargo >/dev/null || {
    echo "cargo is required: install Rust from https://rustup.rs and run this again" >&2
    exit 1
  }
}

# apt_install PACKAGE...: installs Debian packages that are missing (as root).
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "installing Debian packages: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
