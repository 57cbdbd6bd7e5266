// The embedded backend's schema, as an ordered list of migrations. The database records how
// many have run in `PRAGMA user_version`; opening a database applies the missing ones in one
// transaction each. Never edit a released migration: append a new one.

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE users (
        uuid TEXT PRIMARY KEY,
        owner_uuid TEXT NOT NULL,
        email TEXT NOT NULL,
        username TEXT UNIQUE,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        is_admin INTEGER NOT NULL,
        is_active INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE api_client_authorizations (
        uuid TEXT PRIMARY KEY,
        secret TEXT NOT NULL UNIQUE,
        owner_uuid TEXT NOT NULL REFERENCES users(uuid) ON DELETE CASCADE,
        expires_at TEXT,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX api_client_authorizations_owner ON api_client_authorizations(owner_uuid);

      CREATE TABLE groups (
        uuid TEXT PRIMARY KEY,
        owner_uuid TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        group_class TEXT NOT NULL CHECK (group_class IN ('project', 'role', 'filter')),
        properties TEXT NOT NULL,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        trash_at TEXT,
        delete_at TEXT,
        is_trashed INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX groups_owner ON groups(owner_uuid);
      -- Arvados: names are unique among live projects/filters with one owner.
      CREATE UNIQUE INDEX groups_live_name ON groups(owner_uuid, name)
        WHERE is_trashed = 0 AND group_class IN ('project', 'filter');

      CREATE TABLE collections (
        uuid TEXT PRIMARY KEY,
        owner_uuid TEXT NOT NULL,
        name TEXT,
        description TEXT,
        properties TEXT NOT NULL,
        replication_desired INTEGER,
        storage_classes_desired TEXT NOT NULL,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        trash_at TEXT,
        delete_at TEXT,
        is_trashed INTEGER NOT NULL,
        version INTEGER NOT NULL,
        -- Derived from collection_files and cached; NULL when a change made them stale.
        manifest_text TEXT,
        portable_data_hash TEXT,
        -- Maintained incrementally with every change to collection_files.
        file_count INTEGER NOT NULL,
        file_size_total INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX collections_owner ON collections(owner_uuid);
      CREATE INDEX collections_pdh ON collections(portable_data_hash);
      CREATE UNIQUE INDEX collections_live_name ON collections(owner_uuid, name) WHERE is_trashed = 0;

      -- One row per file or empty directory; a subtree is a contiguous primary-key range.
      CREATE TABLE collection_files (
        collection_uuid TEXT NOT NULL REFERENCES collections(uuid) ON DELETE CASCADE,
        path TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('file', 'emptydir')),
        segments TEXT NOT NULL,
        size INTEGER NOT NULL,
        attrs TEXT,
        PRIMARY KEY (collection_uuid, path)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE links (
        uuid TEXT PRIMARY KEY,
        owner_uuid TEXT NOT NULL,
        link_class TEXT NOT NULL,
        name TEXT NOT NULL,
        tail_uuid TEXT NOT NULL,
        head_uuid TEXT NOT NULL,
        properties TEXT NOT NULL,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX links_tail ON links(tail_uuid, link_class);
      CREATE INDEX links_head ON links(head_uuid, link_class);
    `,
  },
  {
    // Blocks of at most a few KiB live here rather than as files: their put commits with the
    // metadata's group commit and shares its WAL sync (one file fsync each is what limits
    // small PUTs). size is stored so that head and listing do not read the data.
    version: 2,
    sql: `
      CREATE TABLE small_blocks (
        hash TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        data BLOB NOT NULL,
        mtime INTEGER NOT NULL
      ) STRICT;
    `,
  },
];
