// Renders account statements as CSV and as a printable HTML page, and the test provider's
// checkout page. Pure functions of the data; the service gathers it.
import { formatDecimal, formatMoney } from './billing.ledger.ts';
import type { Statement } from './billing.schemas.ts';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is prefixed with '. */
function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const KIND_LABELS: Record<string, string> = {
  charge: 'Charge',
  payment: 'Payment',
  refund: 'Refund',
  adjustment: 'Adjustment',
};

export function statementCsv(statement: Statement): string {
  const currency = statement.currency;
  const lines = [['Date', 'Kind', 'Description', 'Amount', 'Balance', 'Currency'].join(',')];
  if (statement.from) {
    lines.push(
      [
        statement.from,
        'Opening balance',
        '',
        '',
        formatDecimal(statement.openingBalance, currency),
        currency,
      ].join(','),
    );
  }
  for (const entry of statement.entries) {
    lines.push(
      [
        entry.postedAt.slice(0, 10),
        KIND_LABELS[entry.kind] ?? entry.kind,
        csvText(entry.description),
        formatDecimal(entry.amount, entry.currency),
        formatDecimal(entry.balanceAfter, entry.currency),
        entry.currency,
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

const PAGE_STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; color: #1a1b1e; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  .muted { color: #5c5f66; }
  table { width: 100%; border-collapse: collapse; margin: 1.25rem 0; }
  th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #dee2e6; vertical-align: top; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .summary { display: flex; gap: 2rem; flex-wrap: wrap; margin: 1rem 0; }
  .summary div { min-width: 10rem; }
  .summary strong { display: block; font-size: 1.25rem; }
  @media print { body { margin: 0; max-width: none; } .noprint { display: none; } }
`;

export function statementHtml(statement: Statement, institution = 'OpenRegistrar'): string {
  const money = (amount: number): string => escapeHtml(formatMoney(amount, statement.currency));
  const period =
    statement.from || statement.to
      ? `${statement.from ?? 'the beginning'} to ${statement.to ?? 'today'}`
      : 'all activity';
  const rows = statement.entries
    .map(
      (e) => `<tr>
        <td>${escapeHtml(e.postedAt.slice(0, 10))}</td>
        <td>${escapeHtml(KIND_LABELS[e.kind] ?? e.kind)}</td>
        <td>${escapeHtml(e.description)}</td>
        <td class="num">${money(e.amount)}</td>
        <td class="num">${money(e.balanceAfter)}</td>
      </tr>`,
    )
    .join('\n');
  const dueRows = statement.terms
    .filter((t) => t.currency === statement.currency)
    .map(
      (t) => `<tr>
        <td>${escapeHtml(t.termName)} (${escapeHtml(t.termCode)})</td>
        <td class="num">${money(t.net)}</td>
        <td>${t.dueDate ? escapeHtml(t.dueDate) : '—'}</td>
      </tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Account statement — ${escapeHtml(statement.student.name)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(institution)} account statement</h1>
<p class="muted">${escapeHtml(statement.student.name)} · Student number ${escapeHtml(statement.student.studentNumber)}<br>
Period: ${escapeHtml(period)} · Generated ${escapeHtml(statement.generatedAt.slice(0, 16).replace('T', ' '))} UTC</p>
<div class="summary">
  ${statement.from ? `<div><span class="muted">Opening balance</span><strong>${money(statement.openingBalance)}</strong></div>` : ''}
  <div><span class="muted">Balance</span><strong>${money(statement.closingBalance)}</strong></div>
  <div><span class="muted">Past due</span><strong>${money(statement.pastDue)}</strong></div>
</div>
<table>
<thead><tr><th>Date</th><th>Kind</th><th>Description</th><th class="num">Amount</th><th class="num">Balance</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5" class="muted">No activity in this period.</td></tr>'}
</tbody>
</table>
${
  dueRows
    ? `<h2>Charges by term</h2>
<table>
<thead><tr><th>Term</th><th class="num">Net charges</th><th>Due date</th></tr></thead>
<tbody>
${dueRows}
</tbody>
</table>`
    : ''
}
<p class="muted">Amounts in ${escapeHtml(statement.currency)}. Positive amounts are owed; negative amounts are credits. Print this page or save it as PDF from your browser.</p>
</body>
</html>`;
}

export interface TestCheckoutView {
  sessionId: string;
  studentName: string;
  amount: number;
  currency: string;
  status: string;
  returnUrl: string;
}

const TEST_STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; background: #f8f9fa; color: #1a1b1e; margin: 0; }
  .banner { background: #f59f00; color: #1a1b1e; font-weight: 700; text-align: center; padding: .6rem; letter-spacing: .05em; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 8px; padding: 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.25rem; margin-top: 0; }
  .amount { font-size: 2rem; font-weight: 700; margin: .5rem 0 1.5rem; }
  form { display: inline-block; margin-right: .75rem; }
  button { font: inherit; border: 0; border-radius: 6px; padding: .6rem 1.2rem; cursor: pointer; }
  .pay { background: #2f9e44; color: #fff; }
  .decline { background: #e03131; color: #fff; }
  .muted { color: #5c5f66; font-size: .9rem; }
`;

export function testCheckoutHtml(view: TestCheckoutView, actionPath: string): string {
  const amount = escapeHtml(formatMoney(view.amount, view.currency));
  const body =
    view.status === 'pending'
      ? `<p>Choose what the card does. No card number is needed and no money moves.</p>
<form method="post" action="${escapeHtml(actionPath)}"><input type="hidden" name="outcome" value="succeed"><button class="pay" type="submit">Pay ${amount} (succeeds)</button></form>
<form method="post" action="${escapeHtml(actionPath)}"><input type="hidden" name="outcome" value="decline"><button class="decline" type="submit">Decline the card</button></form>`
      : `<p>This payment is <strong>${escapeHtml(view.status)}</strong>.</p>
<p><a href="${escapeHtml(view.returnUrl)}">Back to your account</a></p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TEST MODE checkout</title>
<style>${TEST_STYLE}</style>
</head>
<body>
<div class="banner">TEST MODE — payments here are simulated</div>
<main>
<h1>Pay your student account</h1>
<p class="muted">${escapeHtml(view.studentName)}</p>
<div class="amount">${amount}</div>
${body}
<p class="muted">This server has no Stripe key (STRIPE_SECRET_KEY), so it uses its built-in test provider.</p>
</main>
</body>
</html>`;
}
