#!/usr/bin/env bash
# Back up the portal: the database (pg_dump custom format) and the uploaded files (MEDIA_ROOT), see docs/backup.md.
# Usage: DATABASE_URL=postgres://… MEDIA_ROOT=/srv/portal/uploads scripts/backup.sh DEST_DIR
set -euo pipefail
dest="${1:?usage: scripts/backup.sh DEST_DIR}"
: "${DATABASE_URL:?set DATABASE_URL to the portal database}"
media="${MEDIA_ROOT:-$(dirname "$0")/../var/uploads}"
mkdir -p "$dest" "$media"

# 1. The database first: one consistent snapshot (pg_dump runs in a single repeatable-read transaction).
pg_dump --format=custom --compress=6 --file="$dest/portal.dump" "$DATABASE_URL"
# 2. Then the files. Uploads are written before their row commits and never changed afterwards, so every
#    document row in the dump finds its file here (a file uploaded after the dump is merely unused).
tar --create --file="$dest/media.tar" --directory="$media" .
# 3. Checksums, verified again before a restore.
(cd "$dest" && sha256sum portal.dump media.tar >SHA256SUMS)
echo "backup written to $dest"
