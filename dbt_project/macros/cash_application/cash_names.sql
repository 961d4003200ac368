{#- A company or person name reduced to what identifies it: lower case, umlauts spelt
    out (MT940 carries "Mueller" for "Müller"), accents and punctuation dropped, legal
    forms and filler words (GmbH, AG, B.V., Ltd, SARL, & Co. KG, ...) removed, single
    spaces. Dots are removed before splitting so "B.V." and "e.K." become one word. -#}
{% macro cash_normalise_name(expression) -%}
    {%- set legal_forms = [
        'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'gbr', 'ug', 'ek', 'ekfr', 'ekfm',
        'haftungsbeschraenkt', 'haftungsbeschrankt', 'co', 'cokg', 'gesmbh', 'gesellschaft',
        'og', 'se', 'sa', 'sarl', 'sas', 'sasu', 'eurl', 'sci', 'snc', 'bv', 'nv', 'vof', 'cv',
        'ltd', 'limited', 'plc', 'llp', 'lp', 'inc', 'llc', 'corp', 'the', 'und', 'and',
        'et', 'cie', 'en', 'zoon', 'zonen', 'sohn', 'soehne',
    ] -%}
    {%- set spelt = "replace(replace(replace(replace(lower(" ~ expression ~ "), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss')" -%}
    {%- set plain = cash_regexp_replace_all(cash_strip_accents(spelt), "'[.]'", "''") -%}
    {%- set words = "' ' || " ~ cash_regexp_replace_all(plain, "'[^a-z0-9]+'", "'  '") ~ " || ' '" -%}
    {%- set without_forms = cash_regexp_replace_all(words, "' (" ~ legal_forms | join('|') ~ ") '", "' '") -%}
    nullif(trim({{ cash_regexp_replace_all(without_forms, "' +'", "' '") }}), '')
{%- endmacro %}
