{# Keyed pseudonym of a personal identifier: '<key version>:' || HMAC-SHA256(key, value) in hex, computed by the
   key holder's function kho_secure.pseudonymize (kho/core/sql/migrations, 0003 and 0014). No key material passes
   through dbt: the SQL dbt renders, the views it creates and its artifacts name the function only. Null and '' give
   null. The same value gets the same pseudonym in every source, so analysts can still link records. #}
{% macro pseudonymize(column) -%}
    kho_secure.pseudonymize({{ column }})
{%- endmacro %}

{# A person's name as a matching key: trimmed, inner whitespace collapsed (the same normalization on every source). #}
{% macro person_name_key(expr) -%}
    nullif(regexp_replace(btrim({{ expr }}), '\s+', ' ', 'g'), '')
{%- endmacro %}
