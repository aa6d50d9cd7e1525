-- 0016: kho.model_builds also records what each view and seed was last made from (dbt macro file
-- unchanged_relations): project_fingerprint is then '<project fingerprint>:<MD5 of the view's compiled SQL or the
-- seed's file>:<oid>/<MD5 of its columns>', and validated_through is null. A build finding the same record keeps
-- the relation instead of making it again. The table holds no secret: a fingerprint is a hash of files anyone with
-- the code has.
comment on table kho.model_builds is
    'What each dbt model was last built from: an incremental model''s cursor (validated_through) and project '
    'fingerprint; a view''s or seed''s project fingerprint, compiled SQL or file, and relation (kept unchanged '
    'while they match)';
