// Questions that appear and disappear as the answers on the page change, and calculated
// values that update as you type, with no request to the server (progressive enhancement:
// without JavaScript the server shows the questions that apply when the page is sent).
//
// The form's data-conditions holds, from webapp/areas/cases/presenters.py, each question's
// condition and formula as the engine's checked tree, how to read its answer, and the values
// of questions on other pages that they name. Answers are read as the server reads them (an
// answer it would refuse counts as unanswered; only an author's text pattern is left to the
// server) and worked out in page order, as
// CaseType.values() does: a hidden question counts as unanswered. Hidden questions carry the
// `hidden` attribute (out of the tab order and the accessibility tree); the hidden input
// "shown" lists those on screen, so that the server never reports an error for a question the
// user has not seen; a change that adds questions is announced politely, and calculated
// values that changed are announced politely once typing pauses (announce.js).

import { calculatedAnnouncer } from './announce.js'
import { Dec, PyDate, PyTime, context, dateFromIso, evaluate, fromJson, truthy } from './expressions.js'

const LIMIT = new Dec(2n ** 53n - 1n)
const MONEY_LIMIT = new Dec(2n ** 53n - 1n, -2)
const DEFAULT_LENGTH = { text: 200, textarea: 5000 }

function compare (a, b) {
  const e = Math.min(a.e, b.e)
  const x = a.c * 10n ** BigInt(a.e - e)
  const y = b.c * 10n ** BigInt(b.e - e)
  return x < y ? -1 : x > y ? 1 : 0
}

function within (number, low, high) { return compare(number, low) >= 0 && compare(number, high) <= 0 }
function negative (number) { return new Dec(-number.c, number.e) }

// numeric.read: a number as typed (12, -3.5, .5, 1e3), with the exponent it was written with.
function readNumber (text) {
  const match = /^([-+]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([-+]?\d+))?$/.exec(text)
  if (!match) return null
  const whole = match[2] || ''
  const fraction = match[3] !== undefined ? match[3] : (match[4] || '')
  const exponent = Number(match[5] || 0) - fraction.length
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) {
    return { number: null, exponent } // absurd: outside every range
  }
  const sign = match[1] === '-' ? -1n : 1n
  return { number: new Dec(sign * BigInt((whole + fraction) || '0'), exponent), exponent }
}

// engine/fields/base.trimmed: what was typed in a box without the white space around it, as
// Python's \s and JavaScript's \s count it together (the first has \x1c-\x1f and \x85, the
// second the zero-width no-break space that pasting brings).
const SPACE = '[\\s\\x1c-\\x1f\\x85]'
const AROUND = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g')
function trimmed (text) { return text.replace(AROUND, '') }

// numeric.ungrouped: the spaces around it gone (those Python's \s counts too) and the
// zero-width no-break space anywhere; null for a space inside (12 5: 125 or 12.5?, as
// numeric.spaced refuses), and for a comma that is not between groups of three before the
// point, the first not starting with 0 (1,250): 12,5 and 0,250 are decimal commas, never 125
// and 250, as the server refuses.
function ungrouped (text) {
  const plain = trimmed(text.replace(/\ufeff/g, ''))
  if (/[\s\x1c-\x1f\x85]/.test(plain)) return null
  if (!plain.includes(',')) return plain
  if (/^[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?(?:[eE][-+]?\d+)?$/.test(plain)) return plain.replace(/,/g, '')
  return null
}

// engine/fields/dates.month_number: a month typed as its name (January, jan, JAN., Sept: the
// name or at least its first 3 letters) as its number, as text; null when it names none.
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
  'september', 'october', 'november', 'december']
function monthNumber (text) {
  const typed = trimmed(text).replace(/\.+$/, '')
  if (typed.length < 3 || !/^[A-Za-z]+$/.test(typed)) return null // letters A to Z, then lowered
  const word = typed.toLowerCase()
  const found = MONTH_NAMES.filter((name) => name.startsWith(word))
  return found.length === 1 ? String(MONTH_NAMES.indexOf(found[0]) + 1) : null
}

// engine/fields/dates._NAMED_TIMES: midday and midnight, as GOV.UK writes them.
const TIME = new RegExp(`^(\\d{1,2})(?:[:.](\\d{2}))?${SPACE}*([ap]\\.?m\\.?)?$`, 'i') // dates._TIME
const NAMED_TIMES = {
  midday: '12:00', noon: '12:00', '12 midday': '12:00', '12 noon': '12:00', '12noon': '12:00',
  midnight: '00:00', '12 midnight': '00:00'
}

// ---- reading an answer as the server's field types parse it (engine/fields/) ----

const READERS = {
  yes_no: (field, input) => ({ yes: true, no: false })[input.one()] ?? null,
  declaration: (field, input) => input.one() === 'yes' ? true : null,
  radios: (field, input) => field.options.includes(input.one().trim()) ? input.one().trim() : null,
  select: (field, input) => READERS.radios(field, input),
  checkboxes: (field, input) => {
    const ticked = input.all()
    const chosen = field.options.filter((o) => ticked.includes(o))
    if (!chosen.length) return null
    if (chosen.length > 1 && chosen.some((o) => field.exclusive.includes(o))) return null
    const alone = chosen.some((o) => field.exclusive.includes(o)) // "None of these" is enough
    if (field.min_choices && chosen.length < field.min_choices && !alone) return null
    if (field.max_choices && chosen.length > field.max_choices) return null
    return chosen
  },
  number: (field, input) => {
    const text = ungrouped(input.one())
    const read = text === null ? null : readNumber(text)
    if (!read || read.number === null) return null
    const number = read.number
    const decimals = field.decimals || 0
    if (!within(number, negative(LIMIT), LIMIT)) return null
    if (decimals === 0 && number.e < 0) return null
    if (read.exponent < -decimals) return null
    return inBounds(field, number, LIMIT) ? number : null
  },
  money: (field, input) => {
    const text = ungrouped(input.one().replace(/£/g, ''))
    if (text === null || !/^-?\d+(\.\d{1,2})?$/.test(text)) return null
    const amount = Dec.of(text)
    return inBounds(field, amount, MONEY_LIMIT) ? amount : null
  },
  date: (field, input, values, today) => {
    const parts = ['day', 'month', 'year'].map((p) => trimmed(input.part(p)))
    parts[1] = monthNumber(parts[1]) || parts[1]
    if (parts.some((p) => !p)) return null
    if (!parts.every((p) => /^[+-]?\d+$/.test(p))) return null
    const [day, month, year] = parts.map(Number)
    if (year < 1000) return null
    let date
    try { date = new PyDate(year, month, day) } catch { return null }
    const low = dateBound(field.min, values, today)
    const high = dateBound(field.max, values, today)
    if ((low && date.ordinal < low.ordinal) || (high && date.ordinal > high.ordinal)) return null
    return date
  },
  time: (field, input, values) => {
    const typed = trimmed(input.one())
    const named = NAMED_TIMES[typed.split(new RegExp(`${SPACE}+`)).join(' ').toLowerCase()]
    const match = TIME.exec(named || typed)
    if (!match || (match[2] === undefined && !match[3])) return null
    let hour = Number(match[1])
    const minute = Number(match[2] || 0)
    if (match[3]) {
      if (hour < 1 || hour > 12) return null
      hour = hour % 12 + (match[3][0].toLowerCase() === 'p' ? 12 : 0)
    }
    if (hour > 23 || minute > 59) return null
    const time = new PyTime(hour, minute)
    const low = timeBound(field.min, values)
    const high = timeBound(field.max, values)
    if ((low && time.toString() < low) || (high && time.toString() > high)) return null
    return time
  },
  text: (field, input) => {
    let text = input.one().trim()
    if (!text) return null
    if (field.case === 'upper') text = text.toUpperCase()
    if (field.case === 'lower') text = text.toLowerCase()
    if (Array.from(text).length > (field.max_length || DEFAULT_LENGTH[field.kind] || 200)) return null
    // An author's pattern is not checked here: JavaScript's matcher backtracks, and some
    // patterns take it minutes on a short answer; the server checks it (with RE2) on Continue.
    return text
  },
  textarea: (field, input) => READERS.text(field, input)
}

function inBounds (field, number, limit) {
  const low = field.min ? fromJson(field.min) : negative(limit)
  const high = field.max ? fromJson(field.max) : limit
  return within(number, low, high)
}

function dateBound (bound, values, today) {
  if (!bound) return null
  if (bound === 'today') return today
  if (bound === 'yesterday') return PyDate.fromOrdinal(today.ordinal - 1)
  if (bound === 'tomorrow') return PyDate.fromOrdinal(today.ordinal + 1)
  if (/^\d{4}-\d{2}-\d{2}$/.test(bound)) return dateFromIso(bound)
  const other = values(bound)
  return other instanceof PyDate ? other : null
}

function timeBound (bound, values) {
  if (!bound) return null
  if (/^\d{2}:\d{2}$/.test(bound)) return bound
  const other = values(bound)
  return other instanceof PyTime ? other.toString() : null
}

// ---- showing calculated values as the server does (CalculatedType.display) ----

function roundHalfUp (number, places) {
  const shift = number.e + places
  if (shift >= 0) return new Dec(number.c * 10n ** BigInt(shift), -places)
  const divisor = 10n ** BigInt(-shift)
  const magnitude = number.c < 0n ? -number.c : number.c
  let q = magnitude / divisor
  if (2n * (magnitude % divisor) >= divisor) q += 1n
  return new Dec(number.c < 0n ? -q : q, -places)
}

// 1,234.50: `places` decimal places exactly, thousands separated by commas.
function grouped (number, places) {
  const scaled = roundHalfUp(number, places)
  const units = scaled.c * 10n ** BigInt(scaled.e + places) // the number × 10^places, whole
  const sign = units < 0n ? '-' : ''
  const digits = (units < 0n ? -units : units).toString().padStart(places + 1, '0')
  const whole = digits.slice(0, digits.length - places).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return sign + whole + (places > 0 ? '.' + digits.slice(digits.length - places) : '')
}

// A group item's calculated value as the server keeps it and reads it back: numbers to six
// places, dates and times as their text (CalculatedType.stored, then to_python).
function stored (value) {
  if (value instanceof Dec) return roundHalfUp(value, 6)
  if (value instanceof PyDate || value instanceof PyTime) return value.toString()
  return value
}

// A date as GOV.UK writes it (7 December 2026), as the server's long_date does.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December']

function displayed (field, value) {
  if (value === null) return 'Not yet known'
  const format = field.format || 'number'
  if (format === 'money') {
    const amount = grouped(value, 2)
    return amount.startsWith('-') ? '-£' + amount.slice(1) : '£' + amount
  }
  if (format === 'yes_no') return truthy(value) ? 'Yes' : 'No'
  if (format === 'date' && value instanceof PyDate) return `${value.day} ${MONTHS[value.month - 1]} ${value.year}`
  if (format === 'number' && value instanceof Dec) {
    const fixed = grouped(value, Math.max(field.places || 0, 0))
    const shown = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed // 0, not 0.00
    const suffix = shown === '1' ? field.suffix_one : field.suffix // as numbers.with_suffix
    return suffix ? `${shown} ${suffix}` : shown
  }
  return String(value)
}

// The value of a calculated question as CalculatedType.evaluate() gives it: money in pence.
function calculated (field, lookup, ctx) {
  const value = evaluate(field.value, lookup, ctx)
  if (field.format === 'money' && value instanceof Dec) return roundHalfUp(value, 2)
  return value
}

// ---- the page ----

function inputOf (form, name) {
  const elements = () => Array.from(form.querySelectorAll(`[name="${CSS.escape(name)}"]`))
  return {
    one: () => {
      const found = elements().find((e) => (e.type !== 'radio' && e.type !== 'checkbox') || e.checked)
      return found ? found.value : ''
    },
    all: () => elements().filter((e) => e.checked).map((e) => e.value),
    part: (part) => {
      const box = form.querySelector(`[name="${CSS.escape(name + '-' + part)}"]`)
      return box ? box.value : ''
    }
  }
}

function isBlank (field, input) {
  if (field.kind === 'date') return ['day', 'month', 'year'].every((p) => !trimmed(input.part(p)))
  if (field.kind === 'checkboxes') return input.all().length === 0
  return !input.one().trim()
}

export function initLiveConditions (form) {
  const spec = JSON.parse(form.dataset.conditions)
  const ctx = context(spec.today, spec.calendar)
  const outside = {}
  for (const [name, value] of Object.entries(spec.values)) outside[name] = fromJson(value)
  const shownInput = form.querySelector('input[name="shown"]')
  const announcer = form.querySelector('.app-live-announcement')
  const calculations = calculatedAnnouncer(form)
  const wrapper = (name) => form.querySelector(`[data-question="${CSS.escape(name)}"]`)

  // Works out every question's visibility and value, in page order; returns the names shown.
  function update () {
    const values = {}
    const lookup = (name) => (name in values ? values[name] : outside[name] ?? null)
    const shown = []
    const visibility = new Map()
    for (const field of spec.fields) {
      const visible = !field.show_if || truthy(evaluate(field.show_if, lookup, ctx))
      visibility.set(field.id, visible)
      if (field.kind === 'content') continue
      values[field.id] = null
      if (!visible) continue
      if (field.fields) {
        shown.push(field.id) // its count of items ("Add at least one") is its own question
        values[field.id] = readGroup(field, lookup, shown, visibility)
      } else if (field.value) {
        values[field.id] = calculated(field, lookup, ctx)
        showCalculated(field.id, field, values[field.id])
      } else {
        shown.push(field.id)
        values[field.id] = field.fixed
          ? outside[field.id] ?? null
          : READERS[field.kind](field, inputOf(form, field.id), lookup, ctx.today)
      }
    }
    return { shown, visibility, lookup }
  }

  // "Page N of M" of a form without sections: the pages that apply as the answers stand now.
  const progress = document.querySelector('.app-progress')
  function showProgress (lookup) {
    if (!spec.pages || !progress) return
    let number = 0
    let count = 0
    spec.pages.show_if.forEach((condition, index) => {
      const here = index === spec.pages.here
      if (here || !condition || truthy(evaluate(condition, lookup, ctx))) {
        count += 1
        if (index <= spec.pages.here) number += 1
      }
    })
    const text = `Page ${number} of ${count}`
    if (progress.textContent.trim() !== text) progress.textContent = text
  }

  // A repeating group's items as the server stores them (blank items left out), each item's
  // questions shown or hidden by its own answers, and its calculated values worked out.
  function readGroup (group, lookup, shown, visibility) {
    const items = []
    for (let index = 0; form.querySelector(`#${CSS.escape(group.id + '-' + index)}`); index += 1) {
      const item = {}
      const itemLookup = (name) => (name in item ? item[name] : lookup(name))
      const inputs = group.fields.filter((n) => n.kind !== 'content' && !n.value)
      const blank = inputs.every((n) => n.fixed || isBlank(n, inputOf(form, `${group.id}-${index}-${n.id}`)))
      for (const nested of group.fields) {
        const name = `${group.id}-${index}-${nested.id}`
        const visible = !nested.show_if || truthy(evaluate(nested.show_if, itemLookup, ctx))
        visibility.set(name, visible)
        if (nested.kind === 'content') continue
        if (nested.value) {
          const value = calculated(nested, itemLookup, ctx)
          showCalculated(name, nested, value)
          item[nested.id] = stored(value)
          continue
        }
        item[nested.id] = null
        if (!visible) continue
        shown.push(name)
        if (!nested.fixed) item[nested.id] = READERS[nested.kind](nested, inputOf(form, name), itemLookup, ctx.today)
      }
      if (!blank) items.push(item)
    }
    return items
  }

  function showCalculated (name, field, value) {
    const cell = wrapper(name)?.querySelector('.govuk-summary-list__value')
    const text = displayed(field, value)
    if (cell && cell.textContent.trim() !== text) cell.textContent = text
  }

  function apply (announce) {
    const { shown, visibility, lookup } = update()
    showProgress(lookup)
    const added = []
    let removed = 0
    for (const [name, visible] of visibility) {
      const element = wrapper(name)
      if (!element || element.hidden === !visible) continue
      element.hidden = !visible
      if (visible) added.push(element); else removed += 1
    }
    shownInput.value = shown.join(' ')
    syncRevealed()
    if (announce) calculations.changed()
    if (announce && (added.length || removed)) {
      const parts = []
      if (added.length) parts.push(`${added.length} ${added.length === 1 ? 'question' : 'questions'} added below`)
      if (removed) parts.push(`${removed} ${removed === 1 ? 'question' : 'questions'} removed`)
      announcer.textContent = parts.join(', ') + '.'
    }
  }

  // Radios' follow-ups (GOV.UK's conditional reveal) are shown by their conditions here, not
  // by GOV.UK's Radios script, which would also mark each radio aria-expanded: an attribute
  // radios may not have (WCAG 4.1.2). What is added is announced instead.
  for (const radios of form.querySelectorAll('.govuk-radios[data-module="govuk-radios"]')) {
    radios.removeAttribute('data-module')
    for (const input of radios.querySelectorAll('input[data-aria-controls]')) {
      input.setAttribute('aria-controls', input.dataset.ariaControls)
      input.removeAttribute('data-aria-controls')
    }
  }

  function syncRevealed () {
    for (const reveal of form.querySelectorAll('.govuk-radios__conditional')) {
      const questions = Array.from(reveal.children).filter((e) => e.matches('[data-question]'))
      reveal.classList.toggle('govuk-radios__conditional--hidden', questions.every((q) => q.hidden))
    }
  }

  apply(false) // what is typed may differ from what was saved (a page shown again)
  calculations.start()
  form.addEventListener('input', () => apply(true))
  form.addEventListener('change', () => apply(true))
}
