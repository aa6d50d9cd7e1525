-- The pseudonym key holder. The key is a row of kho_secure.pseudonym_keys, written by Kho's bootstrap from
-- KHO_PSEUDONYM_KEY (as query parameters, never as SQL text) and read only by kho_secure.pseudonymize(), a
-- SECURITY DEFINER function owned by kho_keyholder. Nothing here holds key material: every definition below is
-- readable by any role through the catalog, and may be.
--
-- Who can do what:
--   kho_keyholder  owns the key table and the function (nologin: nobody logs in as it)
--   kho_transform  may call kho_secure.pseudonymize() (the role dbt and the pipeline run as is a member)
--   everyone else  no usage of kho_secure, no execute; pg_read_all_data (kho_engineer) reads the table's rows
--                  through row-level security with no policy: none
-- the roles kho_keyholder and kho_transform are created with the other group roles (bootstrap.sql)
create schema if not exists kho_secure;
revoke all on schema kho_secure from public;

create table if not exists kho_secure.pseudonym_keys (
    version     integer primary key,
    ipad        bytea,                      -- HMAC-SHA256 inner pad of the key; null once the key is destroyed
    opad        bytea,                      -- outer pad
    is_active   boolean not null default false,
    created_at  timestamptz not null default now(),
    retired_at  timestamptz,                -- a newer key replaced it
    destroyed_at timestamptz                -- its pads were erased after every model was rebuilt with the newer key
);
create unique index if not exists pseudonym_keys_one_active on kho_secure.pseudonym_keys (is_active) where is_active;
revoke all on kho_secure.pseudonym_keys from public;
-- readers with pg_read_all_data (kho_engineer) see no row: no policy grants any; the owner is not forced
alter table kho_secure.pseudonym_keys enable row level security;

-- HMAC-SHA256(key, value) as '<key version>:<64 hex digits>', from core sha256() (the embedded server has no
-- pgcrypto). Every name is schema-qualified and every operator is pg_catalog's: a SECURITY DEFINER function must not
-- resolve anything through its caller's search_path (a SET clause would do the same, at the cost of a settings save and restore on every call).
create or replace function kho_secure.pseudonymize(value text) returns text
language sql stable strict parallel safe security definer as $$
    select k.version::pg_catalog.text operator(pg_catalog.||) ':' operator(pg_catalog.||)
           pg_catalog.encode(pg_catalog.sha256(k.opad operator(pg_catalog.||)
               pg_catalog.sha256(k.ipad operator(pg_catalog.||) pg_catalog.convert_to(value, 'UTF8'))), 'hex')
    from kho_secure.pseudonym_keys as k
    where k.is_active and value operator(pg_catalog.<>) ''
$$;

-- The active key version, for `kho pseudonyms status` and the marts' documentation (no key material).
create or replace function kho_secure.active_key_version() returns integer
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
    select k.version from kho_secure.pseudonym_keys as k where k.is_active
$$;
create or replace function kho_secure.key_versions()
returns table (version integer, is_active boolean, created_at timestamptz, retired_at timestamptz,
               destroyed_at timestamptz)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
    select k.version, k.is_active, k.created_at, k.retired_at, k.destroyed_at
    from kho_secure.pseudonym_keys as k order by k.version
$$;

-- Key management through the key holder: a caller hands pads in (as parameters) and never reads them back.
-- The first key (version 1) when the warehouse has none; true when the active key is the one given.
create or replace function kho_secure.ensure_key(ipad bytea, opad bytea) returns boolean
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    if not exists (select 1 from kho_secure.pseudonym_keys k where k.is_active) then
        insert into kho_secure.pseudonym_keys (version, ipad, opad, is_active)
        select coalesce(max(k.version), 0) + 1, ensure_key.ipad, ensure_key.opad, true
        from kho_secure.pseudonym_keys k;
        return true;
    end if;
    return exists (select 1 from kho_secure.pseudonym_keys k
                   where k.is_active and k.ipad = ensure_key.ipad and k.opad = ensure_key.opad);
end $$;
-- A new active key; the previous one is retired (still there, so a failed rebuild can be resumed) until destroyed.
create or replace function kho_secure.rotate_key(ipad bytea, opad bytea) returns integer
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare v integer;
begin
    if exists (select 1 from kho_secure.pseudonym_keys k
               where k.ipad = rotate_key.ipad and k.opad = rotate_key.opad) then
        raise exception 'this key was used before (a rotation needs a new key)';
    end if;
    update kho_secure.pseudonym_keys set is_active = false, retired_at = now() where is_active;
    insert into kho_secure.pseudonym_keys (version, ipad, opad, is_active)
    select coalesce(max(k.version), 0) + 1, rotate_key.ipad, rotate_key.opad, true from kho_secure.pseudonym_keys k
    returning version into v;
    return v;
end $$;
-- Erase the pads of every retired key: pseudonyms made with them can no longer be recomputed by anyone.
create or replace function kho_secure.destroy_retired_keys() returns integer
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare n integer;
begin
    update kho_secure.pseudonym_keys set ipad = null, opad = null, destroyed_at = now()
    where not is_active and destroyed_at is null;
    get diagnostics n = row_count;
    return n;
end $$;

-- no function of the key holder is anyone's but the transform role's
revoke execute on all functions in schema kho_secure from public;
do $$
declare f regprocedure;
begin
    if exists (select 1 from pg_roles where rolname = 'kho_keyholder') then
        alter schema kho_secure owner to kho_keyholder;
        alter table kho_secure.pseudonym_keys owner to kho_keyholder;
        for f in select p.oid from pg_proc p where p.pronamespace = 'kho_secure'::regnamespace loop
            execute format('alter function %s owner to kho_keyholder', f);
        end loop;
    end if;
    if exists (select 1 from pg_roles where rolname = 'kho_transform') then
        grant usage on schema kho_secure to kho_transform;
        grant execute on all functions in schema kho_secure to kho_transform;
        if not (select rolsuper from pg_roles where rolname = current_user) then
            execute format('grant kho_transform to %I', current_user);
        end if;
    end if;
exception when insufficient_privilege then
    raise notice 'cannot hand kho_secure to kho_keyholder (needs membership); the DBA does (README, "Security")';
end $$;
