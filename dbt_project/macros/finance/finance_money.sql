{#- Exact money and ratio arithmetic. DuckDB divides decimals in floating point, so the
    duckdb__ versions divide scaled integers (HUGEINT) and round half away from zero,
    which is what round(x, n) does on exact decimals elsewhere. No float ever touches
    an amount or a ratio. -#}

{#- amount in a document currency -> reporting currency, rounded to the cent:
    round(amount * reporting_units_per_eur / units_per_eur, 2). With EUR reporting
    (reporting_units_per_eur = 1) that is round(amount / units_per_eur, 2). Null when a
    rate is null: a missing rate is never silently 1. -#}
{% macro finance_fx_convert(amount, units_per_eur, reporting_units_per_eur) -%}
    {{ return(adapter.dispatch('finance_fx_convert', 'forderwerk')(amount, units_per_eur, reporting_units_per_eur)) }}
{%- endmacro %}

{% macro duckdb__finance_fx_convert(amount, units_per_eur, reporting_units_per_eur) -%}
    cast(
        cast(
            sign({{ amount }})
            * (
                (
                    2 * abs(cast(cast({{ amount }} as decimal(38, 2)) * 100 as hugeint))
                    * cast(cast({{ reporting_units_per_eur }} as decimal(38, 6)) * 1000000 as hugeint)
                    + cast(cast({{ units_per_eur }} as decimal(38, 6)) * 1000000 as hugeint)
                )
                // (2 * cast(cast({{ units_per_eur }} as decimal(38, 6)) * 1000000 as hugeint))
            )
            as decimal(38, 0)
        ) * 0.01
        as decimal(18, 2)
    )
{%- endmacro %}

{% macro default__finance_fx_convert(amount, units_per_eur, reporting_units_per_eur) -%}
    cast(round({{ amount }} * {{ reporting_units_per_eur }} / {{ units_per_eur }}, 2) as decimal(18, 2))
{%- endmacro %}


{#- numerator / denominator rounded to `scale` decimals as decimal(18, scale); null when
    the denominator is zero or null. Inputs may carry up to six decimals. -#}
{% macro finance_divide(numerator, denominator, scale=4) -%}
    {{ return(adapter.dispatch('finance_divide', 'forderwerk')(numerator, denominator, scale)) }}
{%- endmacro %}

{% macro duckdb__finance_divide(numerator, denominator, scale=4) -%}
    {%- set scaled_numerator -%}
        abs(cast(cast({{ numerator }} as decimal(38, 6)) * 1000000 as hugeint))
    {%- endset -%}
    {%- set scaled_denominator -%}
        abs(cast(cast({{ denominator }} as decimal(38, 6)) * 1000000 as hugeint))
    {%- endset -%}
    case
        when cast({{ denominator }} as decimal(38, 6)) = 0 then null
        else cast(
            cast(
                sign({{ numerator }}) * sign({{ denominator }})
                * (
                    (2 * {{ scaled_numerator }} * {{ 10 ** scale }} + {{ scaled_denominator }})
                    // (2 * {{ scaled_denominator }})
                )
                as decimal(38, 0)
            ) * {{ ('0.' ~ '0' * (scale - 1) ~ '1') if scale > 0 else '1' }}
            as decimal(18, {{ scale }})
        )
    end
{%- endmacro %}

{% macro default__finance_divide(numerator, denominator, scale=4) -%}
    case
        when {{ denominator }} = 0 then null
        else cast(round(cast({{ numerator }} as decimal(38, 10)) / {{ denominator }}, {{ scale }}) as decimal(18, {{ scale }}))
    end
{%- endmacro %}
