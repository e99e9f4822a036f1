// The expression language of case types, evaluated in the browser exactly as the server does
// (engine/expressions/evaluate.py and functions.py): the same checked tree, sent as JSON by
// engine/expressions/export.py, and the same meaning. Numbers are exact decimals (BigInt), 34
// significant digits for + - * /, and no value outside +/-LIMIT; an unanswered field is null,
// and ==, <, >, in with null are false; arithmetic and functions give null. A failure the
// server would meet (a text that is not a date, a rounding beyond 28 digits) makes the whole
// expression null, as on the server. tests/browser/test_expression_equivalence.py holds the
// two to one meaning over every expression of every shipped case type.

const PRECISION = 34 // numeric._CONTEXT: sums, differences, products and quotients
const DEFAULT_PRECISION = 28 // Python's default context: negation, abs() and round()
const LIMIT = 2n ** 53n - 1n

class Failure extends Error {} // what makes the server's evaluate() give None

function pow10 (n) { return 10n ** BigInt(n) }
function digits (n) { return (n < 0n ? -n : n).toString().length }

// An exact decimal: c × 10^e, kept without trailing zeros (so equal values look the same).
export class Dec {
  constructor (c, e = 0) {
    c = BigInt(c)
    if (c === 0n) { e = 0 } else { while (c % 10n === 0n) { c /= 10n; e += 1 } }
    this.c = c
    this.e = e
  }

  static of (text) {
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(text))
    if (!match || (match[2] + (match[3] || '')) === '') throw new Failure('not a number')
    const fraction = match[3] || ''
    return new Dec(BigInt(match[1] + (match[2] + fraction || '0')), -fraction.length)
  }

  toString () {
    const negative = this.c < 0n
    const text = (negative ? -this.c : this.c).toString()
    let shown
    if (this.e >= 0) {
      shown = text + '0'.repeat(this.e)
    } else {
      const padded = text.padStart(-this.e + 1, '0')
      shown = padded.slice(0, this.e) + '.' + padded.slice(this.e)
    }
    return (negative ? '-' : '') + shown
  }

  isZero () { return this.c === 0n }
}

function compareDec (a, b) {
  const e = Math.min(a.e, b.e)
  const x = a.c * pow10(a.e - e)
  const y = b.c * pow10(b.e - e)
  return x < y ? -1 : x > y ? 1 : 0
}

// n/d × 10^e rounded to `precision` significant digits, halves to even (Python's context).
function rounded (n, d, e, precision) {
  if (n === 0n) return new Dec(0n)
  const negative = n < 0n
  const a = negative ? -n : n
  const top = pow10(precision)
  const bottom = pow10(precision - 1)
  let k = precision - (digits(a) - digits(d))
  let q, r, den
  for (;;) {
    const num = k >= 0 ? a * pow10(k) : a
    den = k >= 0 ? d : d * pow10(-k)
    q = num / den
    r = num % den
    if (q >= top) { k -= 1 } else if (q < bottom) { k += 1 } else break
  }
  const twice = 2n * r
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n
  return new Dec(negative ? -q : q, e - k)
}

function aligned (a, b) {
  const e = Math.min(a.e, b.e)
  return [a.c * pow10(a.e - e), b.c * pow10(b.e - e), e]
}

function bounded (value) {
  const limit = new Dec(LIMIT)
  const negativeLimit = new Dec(-LIMIT)
  return compareDec(value, limit) > 0 || compareDec(value, negativeLimit) < 0 ? null : value
}

function asNumber (value) {
  if (value instanceof Dec) return value
  return null // numeric.is_number: never text, lists or true/false
}

const ARITHMETIC = {
  '+': (a, b) => { const [x, y, e] = aligned(a, b); return rounded(x + y, 1n, e, PRECISION) },
  '-': (a, b) => { const [x, y, e] = aligned(a, b); return rounded(x - y, 1n, e, PRECISION) },
  '*': (a, b) => rounded(a.c * b.c, 1n, a.e + b.e, PRECISION),
  '/': (a, b) => {
    // a.c×10^a.e / (b.c×10^b.e) = (a.c / b.c) × 10^(a.e-b.e), the sign on the numerator
    const [n, d] = b.c < 0n ? [-a.c, -b.c] : [a.c, b.c]
    return rounded(n, d, a.e - b.e, PRECISION)
  }
}

function arithmetic (op, a, b) {
  const x = asNumber(a)
  const y = asNumber(b)
  if (x === null || y === null) return null
  if (op === '/' && y.isZero()) return null
  return bounded(ARITHMETIC[op](x, y))
}

// ---- dates and times ----

function daysBefore (year) {
  const y = year - 1
  return y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)
}
function isLeap (year) { return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) }
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
function daysIn (year, month) { return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1] }

// A date as Python's datetime.date: proleptic Gregorian, days counted like toordinal().
export class PyDate {
  constructor (year, month, day) {
    if (!(year >= 1 && year <= 9999)) throw new Failure('year out of range')
    if (!(month >= 1 && month <= 12)) throw new Failure('month must be in 1..12')
    if (!(day >= 1 && day <= daysIn(year, month))) throw new Failure('day out of range')
    this.year = year
    this.month = month
    this.day = day
    let ordinal = daysBefore(year) + day
    for (let m = 1; m < month; m += 1) ordinal += daysIn(year, m)
    this.ordinal = ordinal
  }

  static fromOrdinal (ordinal) {
    let year = Math.max(1, Math.floor(ordinal / 365.2425))
    while (daysBefore(year + 1) < ordinal) year += 1
    while (daysBefore(year) >= ordinal) year -= 1
    let rest = ordinal - daysBefore(year)
    let month = 1
    while (rest > daysIn(year, month)) { rest -= daysIn(year, month); month += 1 }
    return new PyDate(year, month, rest)
  }

  weekday () { return (this.ordinal + 6) % 7 } // Monday 0

  toString () {
    const pad = (n, width) => String(n).padStart(width, '0')
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`
  }
}

export class PyTime {
  constructor (hour, minute) {
    this.hour = hour
    this.minute = minute
  }

  minutes () { return this.hour * 60 + this.minute }
  toString () { return `${String(this.hour).padStart(2, '0')}:${String(this.minute).padStart(2, '0')}` }
}

export class PyFile { // a stored upload: only whether it is there, and which it is, matter
  constructor (id) { this.id = id }
}

// datetime.date.fromisoformat (Python 3.11): 2026-09-01, 20260901, 2026-W36, 2026-W36-2...
export function dateFromIso (text) {
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) || /^(\d{4})(\d{2})(\d{2})$/.exec(text)
  if (match) return new PyDate(Number(match[1]), Number(match[2]), Number(match[3]))
  match = /^(\d{4})-W(\d{2})(?:-(\d))?$/.exec(text) || /^(\d{4})W(\d{2})(\d)?$/.exec(text)
  if (!match) throw new Failure('Invalid isoformat string')
  const [year, week, day] = [Number(match[1]), Number(match[2]), Number(match[3] || 1)]
  if (year < 1 || week < 1 || week > 53 || day < 1 || day > 7) throw new Failure('Invalid week')
  const first = new PyDate(year, 1, 1)
  const firstWeekday = first.weekday()
  if (week === 53 && !(firstWeekday === 3 || (firstWeekday === 2 && isLeap(year)))) {
    throw new Failure('Invalid week: 53')
  }
  let monday = first.ordinal - firstWeekday
  if (firstWeekday > 3) monday += 7
  return PyDate.fromOrdinal(monday + (week - 1) * 7 + (day - 1))
}

function weekdaysBetween (start, end) {
  if (end.ordinal < start.ordinal) return -weekdaysBetween(end, start)
  const days = end.ordinal - start.ordinal
  const whole = Math.floor(days / 7)
  let count = whole * 5
  for (let i = 0; i < days % 7; i += 1) if ((start.weekday() + i) % 7 < 5) count += 1
  return count
}

// ---- school days (engine/expressions/school_days.py): weekdays less the calendar's days off ----

const MOST_SCHOOL_DAYS = 10000
const LAST_ORDINAL = new PyDate(9999, 12, 31).ordinal

function firstAtOrAfter (sorted, ordinal) { // bisect_left
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (sorted[middle] < ordinal) low = middle + 1; else high = middle
  }
  return low
}

function isSchoolDay (calendar, ordinal) {
  const index = firstAtOrAfter(calendar.off, ordinal)
  return (ordinal + 6) % 7 < 5 && calendar.off[index] !== ordinal
}

function schoolDaysBetween (calendar, start, end) {
  if (end.ordinal < start.ordinal) return -schoolDaysBetween(calendar, end, start)
  const off = firstAtOrAfter(calendar.off, end.ordinal) - firstAtOrAfter(calendar.off, start.ordinal)
  return weekdaysBetween(start, end) - off
}

function addSchoolDays (calendar, day, count) {
  const number = asNumber(count)
  if (number === null || number.e < 0 || compareDec(number, new Dec(MOST_SCHOOL_DAYS)) > 0 ||
      compareDec(number, new Dec(-MOST_SCHOOL_DAYS)) < 0) return null
  let left = Number(number.c * pow10(number.e))
  const step = left > 0 ? 1 : -1
  left = Math.abs(left)
  let ordinal = day.ordinal
  while (left) {
    ordinal += step
    if (ordinal < 1 || ordinal > LAST_ORDINAL) return null
    if (isSchoolDay(calendar, ordinal)) left -= 1
  }
  return PyDate.fromOrdinal(ordinal)
}

// `count` days after `day`, as functions.py's _add_days: none unless a whole number of days
// that stays within the years 1 to 9999.
function addDays (day, count) {
  const number = asNumber(count)
  if (number === null || number.e < 0) return null
  const ordinal = day.ordinal + Number(number.c * pow10(number.e))
  if (!(ordinal >= 1 && ordinal <= LAST_ORDINAL)) return null
  return PyDate.fromOrdinal(ordinal)
}

function yearsBetween (start, end) {
  const before = end.month < start.month || (end.month === start.month && end.day < start.day)
  return end.year - start.year - (before ? 1 : 0)
}

// ---- Python's equality, order and truth ----

function numberLike (value) {
  if (value instanceof Dec) return value
  if (typeof value === 'boolean') return new Dec(value ? 1n : 0n) // True == 1, as in Python
  return null
}

export function pyEqual (a, b) {
  if (a === null || b === null) return a === b
  const x = numberLike(a)
  const y = numberLike(b)
  if (x !== null || y !== null) return x !== null && y !== null && compareDec(x, y) === 0
  if (typeof a === 'string' || typeof b === 'string') return a === b
  if (a instanceof PyDate || b instanceof PyDate) {
    return a instanceof PyDate && b instanceof PyDate && a.ordinal === b.ordinal
  }
  if (a instanceof PyTime || b instanceof PyTime) {
    return a instanceof PyTime && b instanceof PyTime && a.minutes() === b.minutes()
  }
  if (a instanceof PyFile || b instanceof PyFile) {
    return a instanceof PyFile && b instanceof PyFile && a.id === b.id
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, i) => pyEqual(item, b[i]))
  }
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && pyEqual(a[key], b[key]))
}

function codePointOrder (a, b) {
  const x = Array.from(a)
  const y = Array.from(b)
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0)
    if (d) return d < 0 ? -1 : 1
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1
}

// -1, 0 or 1; a Failure when Python would raise TypeError (the comparison is then false).
function order (a, b) {
  const x = numberLike(a)
  const y = numberLike(b)
  if (x !== null && y !== null) return compareDec(x, y)
  if (typeof a === 'string' && typeof b === 'string') return codePointOrder(a, b)
  if (a instanceof PyDate && b instanceof PyDate) return Math.sign(a.ordinal - b.ordinal)
  if (a instanceof PyTime && b instanceof PyTime) return Math.sign(a.minutes() - b.minutes())
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
      if (!pyEqual(a[i], b[i])) return order(a[i], b[i])
    }
    return Math.sign(a.length - b.length)
  }
  throw new Failure('cannot order')
}

export function truthy (value) {
  if (value === null || value === false) return false
  if (value instanceof Dec) return !value.isZero()
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0
  if (value instanceof PyDate || value instanceof PyTime || value instanceof PyFile) return true
  if (typeof value === 'object') return Object.keys(value).length > 0
  return Boolean(value)
}

const ORDERINGS = { '<': (c) => c < 0, '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0 }

function contains (container, item) {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new Failure("'in <string>' requires string")
    return container.includes(item)
  }
  if (Array.isArray(container)) return container.some((element) => pyEqual(item, element))
  if (container instanceof PyFile || (typeof container === 'object' && !(container instanceof Dec) &&
      !(container instanceof PyDate) && !(container instanceof PyTime))) {
    return typeof item === 'string' && Object.hasOwn(container, item)
  }
  throw new Failure('argument is not iterable')
}

function compareLink (op, a, b) {
  if (op === 'in' || op === 'not in') {
    const found = a !== null && b !== null && contains(b, a)
    return op === 'in' ? found : !found
  }
  if (op === '==') return pyEqual(a, b)
  if (op === '!=') return !pyEqual(a, b)
  if (a === null || b === null) return false
  try {
    return ORDERINGS[op](order(a, b))
  } catch (error) {
    if (error instanceof Failure) return false
    throw error
  }
}

// ---- functions (engine/expressions/functions.py) ----

function noneSafe (run) {
  return (...args) => args.some((a) => a === null) ? null : run(...args)
}

function column (items, member) {
  return (items || []).map((item) => item[member]).filter((v) => v !== null && v !== undefined)
}

function extreme (values, sign) {
  if (!values.length) return null
  return values.reduce((best, v) => (order(v, best) * sign < 0 ? v : best))
}

function negate (value) {
  if (typeof value === 'boolean') return new Dec(value ? -1n : 0n)
  if (!(value instanceof Dec)) throw new Failure('bad operand type for unary -')
  return rounded(-value.c, 1n, value.e, DEFAULT_PRECISION)
}

function roundHalfUp (value, places) {
  const number = asNumber(value)
  const scale = asNumber(places)
  if (number === null || scale === null || scale.e < 0) return null
  if (compareDec(scale, new Dec(-15n)) < 0 || compareDec(scale, new Dec(28n)) > 0) return null
  const p = Number(scale.c * pow10(scale.e))
  // number × 10^p rounded to a whole number, halves away from zero
  const shift = number.e + p
  let whole
  if (shift >= 0) {
    whole = number.c * pow10(shift)
  } else {
    const divisor = pow10(-shift)
    const magnitude = number.c < 0n ? -number.c : number.c
    let q = magnitude / divisor
    if (2n * (magnitude % divisor) >= divisor) q += 1n
    whole = number.c < 0n ? -q : q
  }
  if (digits(whole) > DEFAULT_PRECISION) throw new Failure('quantize result has too many digits')
  return new Dec(whole, -p)
}

function total (items, member) {
  let sum = new Dec(0n)
  for (const item of items || []) {
    const value = item[member]
    if (value instanceof Dec) {
      sum = arithmetic('+', sum, value)
      if (sum === null) return null
    }
  }
  return sum
}

export const FUNCTIONS = {
  today: (context) => () => context.today,
  answered: () => (v) => !(v === null || v === '' || (Array.isArray(v) && v.length === 0)),
  len: () => (v) => {
    if (v === null) return new Dec(0n)
    if (typeof v === 'string') return new Dec(BigInt(Array.from(v).length))
    if (Array.isArray(v)) return new Dec(BigInt(v.length))
    throw new Failure('object has no len()')
  },
  date: () => noneSafe((text) => {
    if (typeof text !== 'string') throw new Failure('argument must be str')
    return dateFromIso(text)
  }),
  total: () => total,
  earliest: () => (items, member) => extreme(column(items, member), 1),
  latest: () => (items, member) => extreme(column(items, member), -1),
  school_days_between: (context) => noneSafe((a, b) => new Dec(BigInt(schoolDaysBetween(context.calendar, a, b)))),
  add_school_days: (context) => (day, count) => day === null ? null : addSchoolDays(context.calendar, day, count),
  add_days: () => (day, count) => day === null ? null : addDays(day, count),
  weekdays_between: () => noneSafe((a, b) => new Dec(BigInt(weekdaysBetween(a, b)))),
  days_between: () => noneSafe((a, b) => new Dec(BigInt(b.ordinal - a.ordinal))),
  weeks_between: () => noneSafe((a, b) => arithmetic('/', new Dec(BigInt(b.ordinal - a.ordinal)), new Dec(7n))),
  years_between: () => noneSafe((a, b) => new Dec(BigInt(yearsBetween(a, b)))),
  minutes_between: () => noneSafe((a, b) => new Dec(BigInt(b.minutes() - a.minutes()))),
  round: () => (x, n = new Dec(0n)) => roundHalfUp(x, n),
  abs: () => noneSafe((x) => {
    const number = numberLike(x)
    if (number === null) throw new Failure('bad operand type for abs()')
    return rounded(number.c < 0n ? -number.c : number.c, 1n, number.e, DEFAULT_PRECISION)
  }),
  min: () => noneSafe((...xs) => extreme(xs, 1)),
  max: () => noneSafe((...xs) => extreme(xs, -1))
}

// ---- the tree ----

function evaluateNode (node, values, context) {
  switch (node[0]) {
    case 'c': return node[1]
    case 'n': return Dec.of(node[1])
    case 'v': { const value = values(node[1]); return value === undefined ? null : value }
    case 'list': return node[1].map((item) => evaluateNode(item, values, context))
    case 'and':
    case 'or': {
      const isAnd = node[0] === 'and'
      let result = isAnd
      for (const part of node[1]) {
        result = evaluateNode(part, values, context)
        if (truthy(result) !== isAnd) return result
      }
      return result
    }
    case 'not': return !truthy(evaluateNode(node[1], values, context))
    case 'neg': { const value = evaluateNode(node[1], values, context); return value === null ? null : negate(value) }
    case 'pos': return evaluateNode(node[1], values, context)
    case '+': case '-': case '*': case '/': {
      const a = evaluateNode(node[1], values, context)
      const b = evaluateNode(node[2], values, context)
      if (a === null || b === null) return null
      return arithmetic(node[0], a, b)
    }
    case 'if': return evaluateNode(truthy(evaluateNode(node[1], values, context)) ? node[2] : node[3], values, context)
    case 'cmp': {
      let a = evaluateNode(node[1], values, context)
      for (const [op, right] of node[2]) {
        const b = evaluateNode(right, values, context)
        if (!compareLink(op, a, b)) return false
        a = b
      }
      return true
    }
    case 'call': {
      const args = node[2].map((arg) => evaluateNode(arg, values, context))
      return FUNCTIONS[node[1]](context)(...args)
    }
  }
  throw new Failure('cannot evaluate ' + node[0])
}

// The value of a tree given `values` (a function from a field id to its value, or a plain
// object), as the server's Expression.evaluate: null when evaluation fails.
export function evaluate (tree, values, context) {
  const lookup = typeof values === 'function' ? values : (name) => values[name]
  try {
    return evaluateNode(tree, lookup, context)
  } catch (error) {
    if (error instanceof Failure || error instanceof RangeError) return null
    throw error
  }
}

// ---- values as JSON (engine/expressions/export.py's to_json_value) ----

export function fromJson (value, inList = false) {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((item) => fromJson(item, true))
  if ('$n' in value) return Dec.of(value.$n)
  if ('$d' in value) return dateFromIso(value.$d)
  if ('$t' in value) { const [h, m] = value.$t.split(':'); return new PyTime(Number(h), Number(m)) }
  if ('$f' in value && !inList) return new PyFile(value.$f)
  const item = {}
  for (const [key, member] of Object.entries(value)) item[key] = fromJson(member)
  return item
}

export function toJson (value) {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Dec) return { $n: value.toString() }
  if (value instanceof PyDate) return { $d: value.toString() }
  if (value instanceof PyTime) return { $t: value.toString() }
  if (value instanceof PyFile) return { $f: value.id }
  if (Array.isArray(value)) return value.map(toJson)
  const item = {}
  for (const [key, member] of Object.entries(value)) item[key] = toJson(member)
  return item
}

// `calendar`: the school calendar's days off ({off: ['2026-12-21', ...]}, school_days.py's
// to_json); without one the school-day functions count every Monday to Friday, as the server.
export function context (today, calendar = null) {
  const off = ((calendar && calendar.off) || []).map((text) => dateFromIso(text).ordinal)
  return { today: dateFromIso(today), calendar: { off } }
}
