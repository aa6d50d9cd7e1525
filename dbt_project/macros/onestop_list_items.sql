{#
  The list fields of a one-stop dossier (DVCQG sync shape, domain.md §1.2), typed in one place. Each list is named
  by its staging model's entity (processing_steps, supplement_requests, components, fees, result_documents,
  database_links, owner_identifiers) and has its raw column, the name of its 1-based position, and its typed columns over `item`
  (one element, jsonb). Two readers use them:
  - the staging views (onestop_list_items): one row per element of the latest validated dossier versions;
  - the per-dossier aggregations (onestop_list_elements): the elements of one dossier row, in a lateral subquery,
    so a model that sums a list up per dossier parses it while it reads the dossier, with no join of millions of
    elements back to their dossiers and no sort (int_onestop__dossier_lists, int_onestop__dossier_milestones).
#}

{% macro onestop_lists() -%}
    {{ return({
        "processing_steps": {"column": "quatrinhxuly", "seq": "step_seq", "columns": [
            "case when (item ->> 'TrangThai') ~ '^[0-9]{1,2}$' then (item ->> 'TrangThai')::int end as status_code",
            kho_ts("item ->> 'ThoiDiemXuLy'") ~ " as step_at",
            "item ->> 'NoiDungXuLy' as step_text",
            pseudonymize("item ->> 'NguoiXuLy'") ~ " as handler_pseudonym",
            "item ->> 'ChucDanh' as handler_title",
            "item ->> 'PhongBanXuLy' as department_name",
            kho_ts("item ->> 'NgayBatDau'") ~ " as step_started_at",
            kho_ts("item ->> 'NgayKetThucTheoQuyDinh'") ~ " as step_due_at"]},
        "supplement_requests": {"column": "danhsachhosobosung", "seq": "request_seq", "columns": [
            "item ->> 'HoSoBoSungId' as supplement_id",
            kho_ts("item ->> 'NgayBoSung'") ~ " as requested_at",
            kho_ts("item ->> 'NgayTiepNhanBoSung'") ~ " as completed_at",
            "coalesce((item ->> 'TrangThaiBoSung') in ('true', '1'), false) as is_completed",
            "item ->> 'NoiDungBoSung' as request_text",
            kho_ts("item ->> 'NgayHenTraTruoc'") ~ " as due_before_at",
            kho_ts("item ->> 'NgayHenTraMoi'") ~ " as due_after_at"]},
        "components": {"column": "tailieunop", "seq": "component_seq", "columns": [
            "item ->> 'TepDinhKemId' as file_id",
            "item ->> 'MaThanhPhanHoSo' as component_code",
            "item ->> 'TenTepDinhKem' as file_name",
            "nullif(item ->> 'DuongDanTaiTepTin', '') is not null as has_file",
            "coalesce(item ->> 'IsDeleted', '0') = '1' as is_deleted",
            "item ->> 'DuocSoHoa' = '1' as is_digitized",
            "item ->> 'DuocTaiSuDung' = '1' as is_reused",
            "item ->> 'DuocLayTuKhoDMQG' = '1' as is_from_dvcqg_store",
            "nullif(item ->> 'MaKetQuaThayThe', '') as replaced_by_result_code"]},
        "fees": {"column": "danhsachlephi", "seq": "fee_seq", "columns": [
            "item ->> 'TenPhiLePhi' as fee_name",
            "item ->> 'MaPhiLePhi' as fee_code",
            "item ->> 'HinhThucThu' as collection_method_code",
            "item ->> 'LoaiPhiLePhi' as fee_type_code",
            "case when coalesce(nullif(item ->> 'Gia', ''), '0') ~ '^[0-9]+(\\.[0-9]+)?$'
        then coalesce(nullif(item ->> 'Gia', ''), '0')::numeric end as amount_vnd"]},
        "result_documents": {"column": "danhsachgiaytoketqua", "seq": "result_seq", "columns": [
            "item ->> 'TenGiayTo' as document_name",
            "item ->> 'MaThanhPhanHoSo' as component_code",
            "item ->> 'GiayToId' as document_id",
            "item ->> 'MaGiayToKetQua' as result_code",
            "nullif(item ->> 'DuongDanTepTinKetQua', '') as result_file_url"]},
        "database_links": {"column": "dsketnoicsdl", "seq": "link_seq", "columns": [
            "item ->> 'MaCSDL' as database_code",
            "item ->> 'TenCSDL' as database_name"]},
        "owner_identifiers": {"column": "dinhdanhchs", "seq": "identifier_seq", "columns": [
            "item ->> 'LoaiDinhDanh' as identifier_type_code",
            "case item ->> 'LoaiDinhDanh' when '1' then 'personal_id_12' when '2' then 'identity_card_9' "
                ~ "else 'other' end as identifier_type",
            pseudonymize("item ->> 'SoDinhDanh'") ~ " as identifier_pseudonym"]},
    }) }}
{%- endmacro %}

{#- the elements of list `list_column` of the dossier row `dossier` as (item jsonb, item_seq bigint); a value that
    is not a JSON array (retyped at the source: the suite flags it) has none. As jsonb: each list is parsed once,
    where every `item ->> 'Field'` of a json item would parse it again. -#}
{% macro onestop_list_array(dossier, list_column) -%}
    jsonb_array_elements(
        case when json_typeof({{ dossier }}.{{ list_column }}) = 'array' then {{ dossier }}.{{ list_column }}::jsonb
            else '[]'::jsonb end
    ) with ordinality as i (item, item_seq)
{%- endmacro %}

{#- The staging view of one list: one row per element of the latest validated dossier versions, with its position
    and typed columns, and the dossier's batch, extraction and validation times. The dossier and its lists always
    come from the same version. validated_at is the dossier's: an incremental model reading a staged list filters on
    it (or on the dossier code), which PostgreSQL applies to the dossiers before their lists are unnested
    (onestop_incremental.sql). -#}
{% macro onestop_list_items(list) -%}
    {%- set spec = onestop_lists()[list] -%}
    select
        d.mahoso as dossier_code,
        i.item_seq::int as {{ spec.seq }},
        {% for c in spec.columns %}{{ c }},
        {% endfor -%}
        d._batch_id as batch_id,
        d._extracted_at as extracted_at,
        d._validated_at as validated_at
    from {{ ref('base_onestop__latest_dossiers') }} as d
    cross join lateral {{ onestop_list_array('d', spec.column) }}
{%- endmacro %}

{#- The elements of one list of the dossier row `dossier` (a row of base_onestop__latest_dossiers), typed as in its
    staging view, as a subquery for `cross join lateral (select ... from {{ onestop_list_elements('d', 'fees') }})`. -#}
{% macro onestop_list_elements(dossier, list) -%}
    {%- set spec = onestop_lists()[list] -%}
    (select i.item_seq::int as {{ spec.seq }}{% for c in spec.columns %}, {{ c }}{% endfor %}
     from {{ onestop_list_array(dossier, spec.column) }}
     offset 0  -- not flattened into the caller: each column is computed once per element, not once per use
    ) as {{ list }}
{%- endmacro %}
