#!/usr/bin/env bash
# Installs the Debian packages Strongroom's test suites need and builds pgvector >= 0.8 into the
# machine's PostgreSQL 15. Idempotent: on a machine that already has everything it touches no
# package index and only re-checks the extension. Runs as root on Debian 12 (bookworm).
set -euo pipefail

PG_MAJOR=15
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
VECTOR_CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
VECTOR_LIB="/usr/lib/postgresql/${PG_MAJOR}/lib/vector.so"
VECTOR_MIN=0.8
TRIXIE_SRC=/etc/apt/sources.list.d/strongroom-trixie-src.sources
TRIXIE_KEY=/usr/share/keyrings/debian-archive-trixie-stable.gpg
PROBE_DB=strongroom_ci_probe
export PGOPTIONS='-c client_min_messages=warning'
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres)
PACKAGES=(postgresql-server-dev-${PG_MAJOR} postgresql-client-${PG_MAJOR} dpkg-dev build-essential
  xz-utils debian-archive-keyring softhsm2 chromium)

export DEBIAN_FRONTEND=noninteractive
start=$(date +%s.%N)
log() { printf '[install-system] %s\n' "$*"; }
elapsed() { awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1fs", e - s }'; }

if [[ $(id -u) -ne 0 ]]; then
  log "must run as root" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true) != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

installed_vector_version() {
  [[ -f $VECTOR_CONTROL && -f $VECTOR_LIB ]] || return 0
  sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$VECTOR_CONTROL"
}

need_vector=1
have=$(installed_vector_version)
if [[ -n $have ]] && dpkg --compare-versions "$have" ge "$VECTOR_MIN"; then
  need_vector=0
fi

# Mirror the machine's own Debian archive URI (deb822 or one-line format) so the source line goes
# wherever its binary lines go; fall back to the canonical archive on an unusual machine.
debian_mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' |
    grep -E '/debian/?$' | head -n1 || true)
  if [[ -z $uri ]]; then
    uri=$(grep -hsE '^deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
      sed -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1}' |
      grep -E '/debian/?$' | head -n1 || true)
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# Types is deb-src only: apt then fetches trixie's Sources index and never a Packages index, so no
# trixie binary package can become an install candidate.
write_trixie_src() {
  local want
  want="Types: deb-src
URIs: $(debian_mirror)
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [[ ! -f $TRIXIE_SRC || $(cat "$TRIXIE_SRC") != "$want" ]]; then
    printf '%s\n' "$want" >"$TRIXIE_SRC"
    log "wrote $TRIXIE_SRC (deb-src only)"
  fi
}

trixie_src_deferred=0
if ((${#missing[@]} > 0 || need_vector)); then
  if ((need_vector)); then
    # An old bookworm keyring lacks the trixie signing key; add the source only after upgrading it.
    if [[ -f $TRIXIE_KEY ]]; then write_trixie_src; else trixie_src_deferred=1; fi
  fi
  log "apt-get update"
  apt-get update -qq
fi

if ((${#missing[@]} > 0)); then
  log "installing: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "packages already installed: ${PACKAGES[*]}"
fi

if ((need_vector)); then
  if ((trixie_src_deferred)); then
    write_trixie_src
    log "apt-get update (trixie sources only)"
    apt-get update -qq -o Dir::Etc::sourcelist="$TRIXIE_SRC" -o Dir::Etc::sourceparts=- \
      -o APT::Get::List-Cleanup=0
  fi
  log "pgvector ${have:-absent} < $VECTOR_MIN: building from Debian trixie source"
  workdir=$(mktemp -d /tmp/strongroom-pgvector.XXXXXX)
  trap 'rm -rf "$workdir"' EXIT
  # apt drops privileges to _apt for downloads; give it the directory to avoid the unsandboxed path.
  if id _apt >/dev/null 2>&1; then chown _apt:root "$workdir"; fi
  # dpkg-source may warn that it cannot verify the .dsc signature (no debian-keyring); the files
  # themselves are checked against the hashes in the signed trixie Sources index by apt.
  (cd "$workdir" && apt-get source -qq --only-source pgvector/trixie >/dev/null)
  srcdir=$(find "$workdir" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
  [[ -n $srcdir ]] || { log "apt-get source pgvector produced no source tree" >&2; exit 1; }
  log "building $(basename "$srcdir")"
  # Debian's no-native patch drops upstream's -march=native; OPTFLAGS= keeps the library free of
  # the build host's CPU extensions even if a later source revision lacks that patch.
  make -s -C "$srcdir" PG_CONFIG="$PG_CONFIG" OPTFLAGS= -j"$(nproc)" >/dev/null
  make -s -C "$srcdir" PG_CONFIG="$PG_CONFIG" OPTFLAGS= install >/dev/null
  have=$(installed_vector_version)
  if [[ -z $have ]] || ! dpkg --compare-versions "$have" ge "$VECTOR_MIN"; then
    log "pgvector install failed: control reports '${have:-nothing}'" >&2
    exit 1
  fi
  log "installed pgvector $have"
else
  log "pgvector $have already installed"
fi

log "verifying extension in scratch database $PROBE_DB"
"${PSQL[@]}" -d postgres -c "drop database if exists $PROBE_DB" -c "create database $PROBE_DB"
probe_ok=0
version=$("${PSQL[@]}" -d "$PROBE_DB" -At \
  -c "create extension if not exists vector" \
  -c "select extversion from pg_extension where extname = 'vector'" \
  -c "select '[1,2,3]'::vector <-> '[1,2,4]'::vector" | tr '\n' ' ') && probe_ok=1
"${PSQL[@]}" -d postgres -c "drop database if exists $PROBE_DB"
if ((!probe_ok)); then
  log "create extension vector failed" >&2
  exit 1
fi
log "create extension vector ok: version $(awk '{print $1}' <<<"$version"), l2 distance $(awk '{print $2}' <<<"$version")"
log "done in $(elapsed)"
