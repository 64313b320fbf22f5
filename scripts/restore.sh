#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an empty database and an empty MEDIA_ROOT, see docs/backup.md.
# Usage: DATABASE_URL=postgres://…/new_db MEDIA_ROOT=/srv/portal/uploads scripts/restore.sh BACKUP_DIR
set -euo pipefail
src="${1:?usage: scripts/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?set DATABASE_URL to the (empty) database to restore into}"
: "${MEDIA_ROOT:?set MEDIA_ROOT to the (empty) directory for the uploaded files}"

# 1. The backup is whole.
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
# 2. The database: schema, rows, sequences and constraints; stop at the first error.
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$DATABASE_URL" "$src/portal.dump"
# 3. The uploaded files.
mkdir -p "$MEDIA_ROOT"
tar --extract --file="$src/media.tar" --directory="$MEDIA_ROOT"
echo "restored into $DATABASE_URL and $MEDIA_ROOT"
