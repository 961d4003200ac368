"""A tiny published snapshot with hand-picked values, for oracles the tests can compute.

Three customers, five open documents, as of 2026-11-20 (reporting currency EUR):

| doc | customer (collector)   | cur | open  | EUR   | due        | dpd | bucket |
| D1  | C1 Alpha (Anna Becker) | EUR | 1000  | 1000  | 2026-12-01 | 0   | current |
| D2  | C1 Alpha               | EUR |  500  |  500  | 2026-10-06 | 45  | 31-60  |
| D3  | C2 Beta (Jonas Weber)  | GBP | 1170  | 1000  | 2026-08-12 | 100 | 90+    |
| D4  | C3 Gamma (Anna Becker) | CHF |  940  | 1000  | 2026-11-10 | 10  | 1-30, in dispute |
| D5  | C1 Alpha (credit note) | EUR | -200  | -200  | 2026-11-20 | 0   | current |

Receivables 3300.00 EUR, overdue 2500.00 EUR. Only the columns the app reads exist; the
types follow the marts' contracts (DECIMAL(18,2) money, DATE dates).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

AS_OF = date(2026, 11, 20)

SCHEMA_SQL = """
create schema marts; create schema intermediate; create schema staging; create schema raw;

create table marts.fct_open_items (
    as_of_date date, document_id varchar, customer_id varchar, customer_name varchar,
    collector varchar, entity varchar, document_type varchar, payment_reference varchar,
    issue_date date, due_date date, effective_due_date date, currency varchar,
    amount decimal(18,2), paid_amount decimal(18,2), open_amount decimal(18,2),
    reporting_currency varchar, open_amount_reporting decimal(18,2), days_past_due integer,
    aging_bucket varchar, dunning_level integer, last_dunned_date date, in_dispute boolean,
    promised_until date, dunning_blocked boolean);
insert into marts.fct_open_items values
 ('2026-11-20','D1','C1','Alpha GmbH','Anna Becker','FW01','invoice','RF1','2026-11-01',
  '2026-12-01','2026-12-01','EUR',1000,0,1000,'EUR',1000,0,'current',0,null,false,null,false),
 ('2026-11-20','D2','C1','Alpha GmbH','Anna Becker','FW01','invoice','=HYPERLINK("x")',
  '2026-09-06','2026-10-06','2026-10-06','EUR',800,300,500,'EUR',500,45,'31-60',1,
  '2026-10-13',false,null,false),
 ('2026-11-20','D3','C2','Beta Ltd','Jonas Weber','FW01','invoice',null,'2026-07-13',
  '2026-08-12','2026-08-12','GBP',1170,0,1170,'EUR',1000,100,'90+',2,'2026-09-30',false,
  null,true),
 ('2026-11-20','D4','C3','Gamma AG','Anna Becker','FW02','invoice',null,'2026-10-11',
  '2026-11-10','2026-11-10','CHF',940,0,940,'EUR',1000,10,'1-30',0,null,true,null,false),
 ('2026-11-20','D5','C1','Alpha GmbH','Anna Becker','FW01','credit_note',null,'2026-11-20',
  '2026-11-20','2026-11-20','EUR',-200,0,-200,'EUR',-200,0,'current',0,null,false,null,false);

create table marts.fct_aging as
select as_of_date, customer_id, aging_bucket, 1 as aging_bucket_order, reporting_currency,
       sum(open_amount_reporting) as open_amount_reporting, count(*)::integer as items
from marts.fct_open_items group by all;

create table marts.dim_customers (
    customer_id varchar, name varchar, segment varchar, customer_type varchar,
    country_code varchar, language_code varchar, currency varchar, entity_id varchar,
    collector varchar, open_item_count integer, open_amount_reporting decimal(18,2),
    overdue_amount_reporting decimal(18,2), reporting_currency varchar,
    credit_limit decimal(18,2), credit_limit_reporting decimal(18,2),
    utilisation decimal(9,4), is_over_limit boolean, avg_days_late decimal(9,2),
    avg_days_late_trend decimal(9,2), bureau_report_date date,
    probability_of_default decimal(9,4), is_insolvent boolean, risk_score integer,
    risk_class varchar, risk_factor_1 varchar, risk_factor_2 varchar,
    risk_factor_3 varchar, dunning_procedure varchar);
insert into marts.dim_customers values
 ('C1','Alpha GmbH','b2b','B2B','DE','de','EUR','FW01','Anna Becker',3,1300,500,'EUR',
  10000,10000,0.13,false,4,1,'2026-10-01',0.005,false,10,'A','days_late:+6',null,null,
  'standard_b2b'),
 ('C2','Beta Ltd','b2b','B2B','GB','en','GBP','FW01','Jonas Weber',1,1000,1000,'EUR',
  0,0,null,true,30,12,'2026-11-16',0.6,true,90,'E','insolvency:+80','over_limit:+10',null,
  'strict_high_risk'),
 ('C3','Gamma AG','key_account','B2B','CH','de','CHF','FW02','Anna Becker',1,1000,1000,'EUR',
  200000,212765.96,0.0047,false,-2,null,'2025-12-01',0.01,false,45,'C','bureau_pd:+20',
  null,null,'key_account');

create table marts.fct_kpis_daily (
    kpi_date date, entity varchar, as_of_date date, reporting_currency varchar,
    receivables_amount decimal(18,2), overdue_amount decimal(18,2),
    current_amount decimal(18,2), dso_standard decimal(18,4), dso_countback decimal(18,4),
    best_possible_dso decimal(18,4), "add" decimal(18,4), cei decimal(18,4),
    overdue_share decimal(18,4));
insert into marts.fct_kpis_daily values
 ('2026-11-18','ALL','2026-11-20','EUR',3200,2400,800,40.0,41.0,10.0,30.0,70.0,0.75),
 ('2026-11-19','ALL','2026-11-20','EUR',3250,2450,800,41.0,42.0,10.0,31.0,71.0,0.7538),
 ('2026-11-20','ALL','2026-11-20','EUR',3300,2500,800,42.5,43.25,10.5,32.0,72.5,0.7576),
 ('2026-11-20','FW01','2026-11-20','EUR',2300,1500,800,38.0,39.0,12.0,26.0,65.0,0.6522),
 ('2026-11-20','FW02','2026-11-20','EUR',1000,1000,0,60.0,61.0,0.0,60.0,50.0,1.0);

create table marts.fct_dunning_proposals (
    dunning_proposal_id varchar, as_of_date date, customer_id varchar, document_id varchar,
    action varchar, level integer, channel varchar, template varchar,
    amount_due decimal(18,2), interest decimal(18,2), fees decimal(18,2), currency varchar,
    amount_due_reporting decimal(18,2), reporting_currency varchar,
    requires_approval boolean, reason varchar, procedure varchar, days_past_due integer,
    due_date date, is_stopped boolean, stop_reason varchar);
insert into marts.fct_dunning_proposals values
 ('D2:standard_b2b:2','2026-11-20','C1','D2','dunning',1,'email','dunning_level_1',500,3.1,
  40,'EUR',500,'EUR',true,'level 1 due: 45 days past due','standard_b2b',45,'2026-10-06',
  false,null),
 ('D3:strict_high_risk:5','2026-11-20','C2','D3','agency_handover',4,'letter',
  'agency_handover',1170,20,0,'GBP',1000,'EUR',true,'level 4 due','strict_high_risk',100,
  '2026-08-12',false,null),
 ('D4:key_account:1:stop','2026-11-20','C3','D4','stop',1,null,null,940,0,0,'CHF',1000,'EUR',
  false,'stop (dispute)','key_account',10,'2026-11-10',true,'dispute');

create table marts.fct_collector_worklist (
    worklist_task_id varchar, as_of_date date, collector varchar, customer_id varchar,
    document_id varchar, priority integer, task varchar, amount_at_stake decimal(18,2),
    reporting_currency varchar, reason varchar, due_date date, max_days_past_due integer,
    oldest_due_date date, item_count integer, priority_points integer);
insert into marts.fct_collector_worklist values
 ('call_overdue:C1','2026-11-20','Anna Becker','C1',null,2,'call_overdue',500,'EUR',
  '1 document(s) more than 30 days overdue','2026-11-23',45,'2026-10-06',1,3),
 ('file_insolvency_claim:C2','2026-11-20','Jonas Weber','C2',null,1,'file_insolvency_claim',
  1000,'EUR','customer insolvent','2026-11-20',100,'2026-08-12',1,5),
 ('resolve_dispute:C3:D4','2026-11-20','Anna Becker','C3','D4',3,'resolve_dispute',1000,'EUR',
  'dispute open','2026-11-27',10,'2026-11-10',1,2);

create table marts.fct_credit_limit_breaches (
    credit_limit_breach_id varchar, customer_id varchar, name varchar, reason varchar,
    as_of_date date, open_amount_reporting decimal(18,2),
    credit_limit_reporting decimal(18,2), excess_amount_reporting decimal(18,2),
    reporting_currency varchar, credit_limit decimal(18,2), currency varchar,
    is_insolvent boolean, order_block boolean);
insert into marts.fct_credit_limit_breaches values
 ('C2:over_limit','C2','Beta Ltd','over_limit','2026-11-20',1000,0,1000,'EUR',0,'GBP',true,true),
 ('C2:insolvency','C2','Beta Ltd','insolvency','2026-11-20',1000,0,1000,'EUR',0,'GBP',true,
  true);

create table marts.fct_unapplied_cash (
    unapplied_cash_id varchar, payment_id varchar, payment_source varchar,
    customer_id varchar, amount decimal(18,2), currency varchar, payment_date date,
    reason varchar, payer_name varchar, payer_iban varchar, remittance_text varchar,
    structured_reference varchar, receiving_account_iban varchar);
insert into marts.fct_unapplied_cash values
 ('u1','P-OVER','bank','C1',50,'EUR','2026-11-02','overpayment','Alpha GmbH','DE1',
  '@SUM(A1) D1',null,'DE9'),
 ('u2','P-NONE','bank',null,75,'EUR','2026-11-03','no_match','Unknown','DE2','?',null,'DE9'),
 ('u3','P-BETA','bank','C2',20,'GBP','2026-11-04','overpayment','Beta Ltd','GB1','D3',null,
  'DE9');

create table marts.fct_payment_matches (
    payment_match_id varchar, payment_id varchar, payment_source varchar,
    document_id varchar, customer_id varchar, applied_amount decimal(18,2),
    currency varchar, applied_date date, match_method varchar, confidence decimal(3,2),
    is_reversal boolean, payment_date date, payer_customer_id varchar, payer_name varchar);
insert into marts.fct_payment_matches values
 ('m1','P-D2','bank','D2','C1',300,'EUR','2026-10-15','document_number',1,false,
  '2026-10-15','C1','Alpha GmbH');

-- hand-computed from the table above: days past due count from the day after the due
-- date; D2 had 800 open until its payment of 300 on 15 Oct, D3 is GBP 1170 = 1000 EUR
create table marts.fct_aging_history (
    as_of_date date, balance_date date, entity varchar, currency varchar,
    reporting_currency varchar, aging_bucket varchar, aging_bucket_order integer,
    open_amount_reporting decimal(18,2), items integer);
insert into marts.fct_aging_history values
 ('2026-11-20','2026-07-31','FW01','GBP','EUR','current',1,1000,1),
 ('2026-11-20','2026-08-31','FW01','GBP','EUR','1-30',2,1000,1),
 ('2026-11-20','2026-09-30','FW01','GBP','EUR','31-60',3,1000,1),
 ('2026-11-20','2026-09-30','FW01','EUR','EUR','current',1,800,1),
 ('2026-11-20','2026-10-31','FW01','GBP','EUR','61-90',4,1000,1),
 ('2026-11-20','2026-10-31','FW01','EUR','EUR','1-30',2,500,1),
 ('2026-11-20','2026-10-31','FW02','CHF','EUR','current',1,1000,1),
 ('2026-11-20','2026-11-20','FW01','GBP','EUR','90+',5,1000,1),
 ('2026-11-20','2026-11-20','FW01','EUR','EUR','31-60',3,500,1),
 ('2026-11-20','2026-11-20','FW01','EUR','EUR','current',1,800,2),
 ('2026-11-20','2026-11-20','FW02','CHF','EUR','1-30',2,1000,1);

create table intermediate.int_documents_issued (
    document_id varchar, document_type varchar, customer_id varchar, entity_id varchar,
    issue_date date, due_date date, effective_due_date date, is_due_date_defaulted boolean,
    overdue_from_date date, gross_amount decimal(18,2), signed_amount decimal(18,2),
    currency varchar, payment_reference varchar, applies_to_document_id varchar);
insert into intermediate.int_documents_issued
select document_id, document_type, customer_id, entity, issue_date, due_date,
       effective_due_date, false, effective_due_date + 1, abs(amount), amount, currency,
       payment_reference, null
from marts.fct_open_items;

create table intermediate.int_document_movements (
    document_id varchar, movement_type varchar, balance_date date,
    movement_amount decimal(18,2), currency varchar);
insert into intermediate.int_document_movements
select document_id, 'issue', issue_date, amount, currency
from marts.fct_open_items;
insert into intermediate.int_document_movements values
 ('D2', 'payment', '2026-10-15', -300, 'EUR');


create table intermediate.int_customers_risk_factors (
    risk_factor_id varchar, customer_id varchar, factor varchar, points integer,
    detail varchar);
insert into intermediate.int_customers_risk_factors values
 ('C2:insolvency','C2','insolvency',80,'insolvency reported (crif, 2026-11-16)'),
 ('C2:over_limit','C2','over_limit',10,'open 1000.00 EUR over a limit of 0.00'),
 ('C1:days_late','C1','days_late',6,'paid 4.00 days late on average');

create table staging.stg_erp__customers (
    customer_id varchar, customer_name varchar, customer_type varchar, country_code varchar,
    language_code varchar, customer_currency varchar, email varchar, phone varchar,
    street varchar, postal_code varchar, city varchar, vat_id varchar,
    payment_terms_days integer, credit_limit_amount decimal(18,2), collector varchar,
    entity_id varchar);
insert into staging.stg_erp__customers values
 ('C1','Alpha GmbH','B2B','DE','de','EUR','ap@alpha.example','+49 30 1','Hauptstr. 1','10115',
  'Berlin','DE123',30,10000,'Anna Becker','FW01'),
 ('C2','Beta Ltd','B2B','GB','en','GBP','ap@beta.example','+44 20 2','1 High St','EC1A',
  'London','GB123',30,0,'Jonas Weber','FW01'),
 ('C3','Gamma AG','B2B','CH','de','CHF','ap@gamma.example','+41 44 3','Bahnhofstr. 3','8001',
  'Zürich','CHE123',30,200000,'Anna Becker','FW02');

create table staging.stg_ops__events (
    event_id varchar, event_at timestamp, actor varchar, customer_id varchar,
    document_id varchar, event_type varchar, amount decimal(18,2), currency varchar,
    until_date date, event_text varchar, reference varchar, event_origin varchar,
    source_file varchar);
insert into staging.stg_ops__events values
 ('EV-1','2026-11-12 09:30','Anna Becker','C3','D4','dispute_opened',940,null,null,
  'Ware beschädigt geliefert','','bulk_file','events_crm.csv'),
 ('EV-2','2026-11-02 10:00','Anna Becker','C1',null,'note',null,null,null,
  'Kunde bittet um Kopie der Rechnung',null,'bulk_file','events_crm.csv');

create table raw.ingested_files (
    file_seq bigint, source varchar, entity varchar, file_name varchar, status varchar,
    rows bigint, duplicate_rows bigint, ingested_at timestamp, error varchar,
    warnings varchar, quarantine_path varchar, run_id varchar);
insert into raw.ingested_files values
 (1,'erp','customers','customers.csv','loaded',3,0,'2026-11-20 06:00',null,null,null,'r1'),
 (2,'erp','documents','documents_2026-11.csv','loaded',5,0,'2026-11-20 06:00',null,null,null,
  'r1'),
 (3,'bank','transactions','broken.xml','quarantined',0,0,'2026-11-20 06:01',
  'broken.xml line 3: not well-formed XML',null,'/q/broken.xml','r1');
"""


#: the app's marts built from the inner tables above, as dbt builds them; then every
#: schema but marts is dropped, so a page that read anything else would fail here
MARTS_SQL = """
alter table marts.dim_customers add column email varchar;
alter table marts.dim_customers add column phone varchar;
alter table marts.dim_customers add column street varchar;
alter table marts.dim_customers add column postal_code varchar;
alter table marts.dim_customers add column city varchar;
alter table marts.dim_customers add column vat_id varchar;
alter table marts.dim_customers add column payment_terms_days integer;
update marts.dim_customers as d set email = m.email, phone = m.phone, street = m.street,
    postal_code = m.postal_code, city = m.city, vat_id = m.vat_id,
    payment_terms_days = m.payment_terms_days
from staging.stg_erp__customers as m where m.customer_id = d.customer_id;

create table marts.fct_documents as
select as_of_date, document_id, document_type, customer_id, entity, issue_date,
       effective_due_date as due_date, false as is_due_date_defaulted, amount, currency,
       payment_reference
from marts.fct_open_items;

create table marts.fct_customer_risk_factors as
select date '2026-11-20' as as_of_date, * from intermediate.int_customers_risk_factors;

create table marts.fct_crm_events as
select event_id, event_at, actor, customer_id, document_id, event_type, amount, currency,
       until_date, event_text, reference, event_origin
from staging.stg_ops__events where event_origin = 'bulk_file';

create table marts.fct_ingested_files as select * from raw.ingested_files;

drop schema intermediate cascade; drop schema staging cascade; drop schema raw cascade;
"""


def build_snapshot(path: Path) -> Path:
    """Write the mini company's warehouse to ``path`` (a serving snapshot: marts only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA_SQL)
        con.execute(MARTS_SQL)
    return path
