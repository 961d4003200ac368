{#- Statutory default interest, e.g. BGB §288 with the base rate of §247. The law's figures
    (points per party, days in a year, flat fee) are data: the seed legal_terms, generated
    from actions/law/<code>.yaml.

    Conventions (documented in models/intermediate/dunning/_dunning__models.yml):
    - rate = reference rate of the half-year + the law's points for the party (German law:
      9 for a claim between businesses, §288(2); 5 where a consumer is party, §288(1), or
      the type is unknown);
    - actual days / the law's year days (365 in Germany, leap years too: a whole leap year
      accrues 366/365 of the annual rate);
    - interest runs from the first day of default through the as-of date inclusive;
    - per-period amounts are summed unrounded and rounded half-up to cents once, at the
      end (legal_round_div_cents). -#}

{#- The party of the law's terms (seed legal_terms) for a customer type: business for B2B,
    consumer for B2C, unknown otherwise (actions.legal.party_of maps the same way). -#}
{% macro legal_party(customer_type) -%}
    case upper({{ customer_type }}) when 'B2B' then 'business' when 'B2C' then 'consumer'
        else 'unknown' end
{%- endmacro %}

{#- principal x rate (percent) x days: exact decimal, to be divided by 100 x 365. -#}
{% macro legal_interest_numerator(principal, rate_percent, days) -%}
    (cast({{ principal }} as decimal(38, 2)) * cast({{ rate_percent }} as decimal(9, 4))
        * cast({{ days }} as integer))
{%- endmacro %}

{#- numerator / (100 x the law's days in a year), rounded half-up to cents. -#}
{% macro legal_interest_from_numerator(numerator, year_days) -%}
    {{ legal_round_div_cents(numerator, '100 * ' ~ year_days) }}
{%- endmacro %}

{#- numerator / divisor rounded half-up to cents, exactly. Some engines (DuckDB) divide
    decimals in floating point, so the quotient is only used as a first guess and then
    corrected by one cent with exact decimal comparisons: the result c satisfies
    divisor x (c - 0.005) <= numerator < divisor x (c + 0.005). -#}
{% macro legal_round_div_cents(numerator, divisor) -%}
    {%- set guess -%}
        cast(round(cast({{ numerator }} as decimal(38, 6)) / ({{ divisor }}), 2) as decimal(38, 2))
    {%- endset -%}
    cast(
        case
            when cast({{ numerator }} as decimal(38, 6))
                < ({{ divisor }}) * ({{ guess }} - cast(0.005 as decimal(4, 3)))
                then {{ guess }} - cast(0.01 as decimal(3, 2))
            when cast({{ numerator }} as decimal(38, 6))
                >= ({{ divisor }}) * ({{ guess }} + cast(0.005 as decimal(4, 3)))
                then {{ guess }} + cast(0.01 as decimal(3, 2))
            else {{ guess }}
        end
        as decimal(18, 2))
{%- endmacro %}
