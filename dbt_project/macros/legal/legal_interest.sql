{#- Statutory default interest and the flat fee, BGB §288 with the base rate of §247.

    Conventions (documented in models/intermediate/dunning/_dunning__models.yml):
    - rate = base rate of the half-year + 9 points for a claim between businesses (B2B,
      §288(2)), + 5 points where a consumer is party (B2C, §288(1)) or the type is unknown;
    - actual days / 365, also in leap years: the divisor stays 365 (a whole leap year
      accrues 366/365 of the annual rate; we do not switch to 366);
    - interest runs from the day after the due date through the as-of date inclusive;
    - per-period amounts are summed unrounded and rounded half-up to cents once, at the
      end (legal_round_div_cents). -#}

{#- Points over the base rate: 9 for businesses (B2B), 5 otherwise: consumers (B2C) and,
    so that nothing is over-claimed, a customer whose type is unknown. -#}
{% macro legal_interest_points(customer_type) -%}
    cast(case when upper({{ customer_type }}) = 'B2B' then 9 else 5 end as decimal(9, 4))
{%- endmacro %}

{#- Days in the interest year: 365, leap years included. -#}
{% macro legal_interest_year_days() -%}365{%- endmacro %}

{#- The flat fee per B2B claim in default (BGB §288(5)), in EUR. -#}
{% macro legal_flat_fee_eur() -%}cast(40.00 as decimal(18, 2)){%- endmacro %}

{#- principal x rate (percent) x days: exact decimal, to be divided by 100 x 365. -#}
{% macro legal_interest_numerator(principal, rate_percent, days) -%}
    (cast({{ principal }} as decimal(38, 2)) * cast({{ rate_percent }} as decimal(9, 4))
        * cast({{ days }} as integer))
{%- endmacro %}

{#- numerator / (100 x 365), rounded half-up to cents. -#}
{% macro legal_interest_from_numerator(numerator) -%}
    {{ legal_round_div_cents(numerator, '100 * ' ~ legal_interest_year_days()) }}
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
