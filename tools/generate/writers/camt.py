"""ISO 20022 bank-to-customer messages: camt.053.001.08 daily statements and camt.054.001.02
notifications from the payment provider.

Written as text, one statement at a time (no document tree in memory), with timestamps derived
from the booking day so reruns are byte-identical. Element order follows the XSDs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from tools.generate.dates import previous_business_day, timestamp
from tools.generate.ledger import Account, Entry, Statement, Tx
from tools.generate.writers.codes import CODES

NS_053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
NS_054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _amt(amount: Decimal, currency: str) -> str:
    return f"<Amt Ccy={quoteattr(currency)}>{abs(amount):.2f}</Amt>"


def _text(value: str) -> str:
    return escape(value)


def _balance(code: str, amount: Decimal, currency: str, day: date) -> str:
    sign = "CRDT" if amount >= 0 else "DBIT"
    return (
        f"      <Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{_amt(amount, currency)}"
        f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>\n"
    )


def camt053(statement: Statement) -> bytes:
    """One daily statement of one account as a camt.053.001.08 document."""
    account, day = statement.account, statement.day
    created = timestamp(day, 18, 30)
    entries = statement.entries
    credits = [e.amount for e in entries if e.credit]
    debits = [e.amount for e in entries if not e.credit]
    net = sum(credits, Decimal(0)) - sum(debits, Decimal(0))
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<Document xmlns="{NS_053}" xmlns:xsi="{XSI}">\n',
        "  <BkToCstmrStmt>\n",
        f"    <GrpHdr><MsgId>STM{account.suffix}{day:%Y%m%d}</MsgId><CreDtTm>{created}</CreDtTm>"
        "<MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn></GrpHdr>\n",
        "    <Stmt>\n",
        f"      <Id>{account.suffix}-{day:%Y%m%d}-{statement.number:03d}</Id>\n",
        f"      <ElctrncSeqNb>{statement.number}</ElctrncSeqNb>\n",
        f"      <LglSeqNb>{statement.number}</LglSeqNb>\n",
        f"      <CreDtTm>{created}</CreDtTm>\n",
        f"      <FrToDt><FrDtTm>{timestamp(statement.first_day, 0)}</FrDtTm>"
        f"<ToDtTm>{timestamp(day, 23, 59, 59)}</ToDtTm></FrToDt>\n",
        f"      <Acct><Id><IBAN>{account.iban}</IBAN></Id><Ccy>{account.currency}</Ccy>"
        f"<Ownr><Nm>{_text(account.owner)}</Nm></Ownr>"
        f"<Svcr><FinInstnId><BICFI>{account.bic}</BICFI></FinInstnId></Svcr></Acct>\n",
        _balance(
            "OPBD", statement.opening, account.currency, previous_business_day(statement.first_day)
        ),
        _balance("CLBD", statement.closing, account.currency, day),
        "      <TxsSummry>"
        f"<TtlNtries><NbOfNtries>{len(entries)}</NbOfNtries>"
        f"<Sum>{sum(credits, Decimal(0)) + sum(debits, Decimal(0)):.2f}</Sum>"
        f"<TtlNetNtry><Amt>{abs(net):.2f}</Amt><CdtDbtInd>{'CRDT' if net >= 0 else 'DBIT'}"
        "</CdtDbtInd></TtlNetNtry></TtlNtries>"
        f"<TtlCdtNtries><NbOfNtries>{len(credits)}</NbOfNtries><Sum>{sum(credits, Decimal(0)):.2f}"
        "</Sum></TtlCdtNtries>"
        f"<TtlDbtNtries><NbOfNtries>{len(debits)}</NbOfNtries><Sum>{sum(debits, Decimal(0)):.2f}"
        "</Sum></TtlDbtNtries></TxsSummry>\n",
    ]
    german = account.iban.startswith("DE")
    parts.extend(_entry_053(entry, account, german) for entry in entries)
    parts.append("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n")
    return "".join(parts).encode("utf-8")


def _bank_code(kind: str, german: bool, indent: str) -> str:
    code = CODES[kind]
    proprietary = (
        f"<Prtry><Cd>N{code.swift_type}+{code.gvc}</Cd><Issr>DK</Issr></Prtry>" if german else ""
    )
    return (
        f"{indent}<BkTxCd><Domn><Cd>{code.domain}</Cd><Fmly><Cd>{code.family}</Cd>"
        f"<SubFmlyCd>{code.subfamily}</SubFmlyCd></Fmly></Domn>{proprietary}</BkTxCd>\n"
    )


def _entry_053(entry: Entry, account: Account, german: bool) -> str:
    ccy = account.currency
    day = entry.booking_date.isoformat()
    parts = [
        "      <Ntry>\n",
        f"        {_amt(entry.amount, ccy)}\n",
        f"        <CdtDbtInd>{'CRDT' if entry.credit else 'DBIT'}</CdtDbtInd>\n",
        "        <Sts><Cd>BOOK</Cd></Sts>\n",
        f"        <BookgDt><Dt>{day}</Dt></BookgDt>\n",
        f"        <ValDt><Dt>{day}</Dt></ValDt>\n",
        f"        <AcctSvcrRef>{entry.reference}</AcctSvcrRef>\n",
        _bank_code(entry.kind, german, "        "),
        "        <NtryDtls>\n",
    ]
    parts.extend(_tx_053(tx, entry, ccy) for tx in entry.txs)
    parts.append("        </NtryDtls>\n")
    parts.append(f"        <AddtlNtryInf>{CODES[entry.kind].posting_text}</AddtlNtryInf>\n")
    parts.append("      </Ntry>\n")
    return "".join(parts)


def _party(role: str, tx: Tx, v08: bool) -> str:
    if not tx.name and not tx.iban:
        return ""
    name = f"<Nm>{_text(tx.name[:140])}</Nm>" if tx.name else ""
    party = f"<{role}><Pty>{name}</Pty></{role}>" if v08 else f"<{role}>{name}</{role}>"
    account = f"<{role}Acct><Id><IBAN>{tx.iban}</IBAN></Id></{role}Acct>" if tx.iban else ""
    return party + account


def _remittance(tx: Tx) -> str:
    if tx.structured_ref:
        return (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr>"
            f"</Tp><Ref>{tx.structured_ref}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    if tx.remittance:
        return f"<RmtInf><Ustrd>{_text(tx.remittance[:140])}</Ustrd></RmtInf>"
    return ""


def _tx_053(tx: Tx, entry: Entry, ccy: str) -> str:
    mandate = f"<MndtId>{_text(tx.mandate_id)}</MndtId>" if tx.mandate_id else ""
    refs = f"<Refs><EndToEndId>{_text(tx.end_to_end_id)}</EndToEndId>{mandate}</Refs>"
    # Credits and returned debits name the debtor (our customer); our own payments the creditor.
    role = "Dbtr" if entry.credit or entry.is_return else "Cdtr"
    parties = _party(role, tx, v08=True)
    agent = ""
    if tx.bic:
        institution = f"<FinInstnId><BICFI>{tx.bic}</BICFI></FinInstnId>"
        agent = f"<RltdAgts><{role}Agt>{institution}</{role}Agt></RltdAgts>"
    sign = "CRDT" if entry.credit else "DBIT"
    ret = ""
    if tx.return_reason:
        ret = f"<RtrInf><Rsn><Cd>{tx.return_reason}</Cd></Rsn></RtrInf>"
    return (
        "          <TxDtls>\n"
        f"            {refs}\n"
        f"            {_amt(tx.amount, ccy)}<CdtDbtInd>{sign}</CdtDbtInd>\n"
        + (f"            <RltdPties>{parties}</RltdPties>\n" if parties else "")
        + (f"            {agent}\n" if agent else "")
        + (f"            {_remittance(tx)}\n" if _remittance(tx) else "")
        + (f"            {ret}\n" if ret else "")
        + "          </TxDtls>\n"
    )


def camt054(account: Account, statements: Iterable[Statement], month: str) -> bytes:
    """The payment provider's notifications of one month: per payout day one Ntfctn holding the
    payout (a batch entry, one TxDtls per customer payment) and the fee debit."""
    statements = list(statements)
    created = timestamp(statements[-1].day, 6) if statements else f"{month}-01T06:00:00+01:00"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<Document xmlns="{NS_054}" xmlns:xsi="{XSI}">\n',
        "  <BkToCstmrDbtCdtNtfctn>\n",
        f"    <GrpHdr><MsgId>PSP{month.replace('-', '')}{account.suffix}</MsgId>"
        f"<CreDtTm>{created}</CreDtTm></GrpHdr>\n",
    ]
    for statement in statements:
        day = statement.day
        parts.append(
            "    <Ntfctn>\n"
            f"      <Id>PSP-{day:%Y%m%d}</Id>\n"
            f"      <CreDtTm>{timestamp(day, 6)}</CreDtTm>\n"
            f"      <Acct><Id><IBAN>{account.iban}</IBAN></Id><Ccy>{account.currency}</Ccy>"
            f"<Ownr><Nm>{_text(account.owner)}</Nm></Ownr></Acct>\n"
        )
        parts.extend(_entry_054(entry, account.currency) for entry in statement.entries)
        parts.append("    </Ntfctn>\n")
    parts.append("  </BkToCstmrDbtCdtNtfctn>\n</Document>\n")
    return "".join(parts).encode("utf-8")


def _entry_054(entry: Entry, ccy: str) -> str:
    code = CODES[entry.kind]
    day = entry.booking_date.isoformat()
    sign = "CRDT" if entry.credit else "DBIT"
    batch = ""
    if len(entry.txs) > 1:
        batch = (
            f"<Btch><NbOfTxs>{len(entry.txs)}</NbOfTxs><TtlAmt>{entry.amount:.2f}</TtlAmt>"
            f"<CdtDbtInd>{sign}</CdtDbtInd></Btch>"
        )
    parts = [
        "      <Ntry>\n",
        f"        {_amt(entry.amount, ccy)}\n",
        f"        <CdtDbtInd>{sign}</CdtDbtInd>\n",
        "        <Sts>BOOK</Sts>\n",
        f"        <BookgDt><Dt>{day}</Dt></BookgDt>\n",
        f"        <ValDt><Dt>{day}</Dt></ValDt>\n",
        f"        <AcctSvcrRef>{entry.reference}</AcctSvcrRef>\n",
        f"        <BkTxCd><Domn><Cd>{code.domain}</Cd><Fmly><Cd>{code.family}</Cd>"
        f"<SubFmlyCd>{code.subfamily}</SubFmlyCd></Fmly></Domn></BkTxCd>\n",
        "        <NtryDtls>\n",
    ]
    if batch:
        parts.append(f"          {batch}\n")
    for tx in entry.txs:
        party = _party("Dbtr", tx, v08=False) if entry.credit else ""
        parts.append(
            "          <TxDtls>\n"
            f"            <Refs><EndToEndId>{_text(tx.end_to_end_id)}</EndToEndId></Refs>\n"
            f"            <AmtDtls><TxAmt>{_amt(tx.amount, ccy)}</TxAmt></AmtDtls>\n"
            + (f"            <RltdPties>{party}</RltdPties>\n" if party else "")
            + (f"            {_remittance(tx)}\n" if _remittance(tx) else "")
            + "          </TxDtls>\n"
        )
    parts.append("        </NtryDtls>\n      </Ntry>\n")
    return "".join(parts)
