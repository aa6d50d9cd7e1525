{# Keyed pseudonym of a personal identifier: HMAC-SHA256(key, value) as hex, computed with core sha256()
   (no pgcrypto needed) from the key's inner and outer pads, which Kho derives from KHO_PSEUDONYM_KEY.
   The same ID gets the same pseudonym across systems, so analysts can still link records. #}
{% macro pseudonymize(column) -%}
    case when nullif({{ column }}, '') is not null then
        encode(sha256(decode('{{ var("pseudonym_opad") }}', 'hex')
               || sha256(decode('{{ var("pseudonym_ipad") }}', 'hex') || convert_to({{ column }}, 'UTF8'))), 'hex')
    end
{%- endmacro %}

{# A person's name as a matching key: trimmed, inner whitespace collapsed (the same normalization on every source). #}
{% macro person_name_key(expr) -%}
    nullif(regexp_replace(btrim({{ expr }}), '\s+', ' ', 'g'), '')
{%- endmacro %}
