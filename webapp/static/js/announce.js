// Telling screen reader users what changed on a case page. Each message goes into a live region
// that is in the page, empty, from the start (templates/cases/page.html): a region inserted with
// its text already in it is not read out by most screen readers.

// Calculated values are shown at each key, but said only once typing pauses, and only those
// that changed since they were last said: "Weekly: 37.5 hours." rather than "7 hours", "37.5
// hours" as each character lands. So is the "Page 2 of 5" an answer changes.
const CALM_MS = 1000

// The calculated values on screen: each question's name, label and value as shown.
function calculatedValues (form) {
  const values = new Map()
  for (const list of form.querySelectorAll('[data-question] > .app-calculated')) {
    if (list.closest('[hidden]')) continue
    const question = list.parentElement.dataset.question
    // In a group's item, which item: "Session 2, Minutes: 90."
    const legend = list.closest('.app-group__item')?.querySelector('legend')?.textContent.trim()
    const key = list.querySelector('.govuk-summary-list__key').textContent.trim()
    const label = legend ? `${legend}, ${key}` : key
    const text = list.querySelector('.govuk-summary-list__value').textContent.trim()
    values.set(question, { label, text })
  }
  // "Page 2 of 5" of a form without sections, which an answer can change too.
  const progress = document.querySelector('.app-progress')
  if (progress && progress.textContent.trim()) {
    values.set('.app-progress', { label: null, text: progress.textContent.trim() })
  }
  return values
}

export function calculatedAnnouncer (form) {
  const region = form.querySelector('.app-calculated-announcement')
  const said = new Map() // question → the value last said (or shown when the page came)
  let timer = null

  function sayChanged () {
    const changed = []
    for (const [question, { label, text }] of calculatedValues(form)) {
      if (said.get(question) !== text) changed.push(label ? `${label}: ${text}.` : `${text}.`)
      said.set(question, text)
    }
    if (changed.length && region) region.textContent = changed.join(' ')
  }

  return {
    // What the page shows as it comes is not news.
    start () { for (const [question, { text }] of calculatedValues(form)) said.set(question, text) },
    // The answers changed: say the values that changed once the typing has paused.
    changed () {
      clearTimeout(timer)
      timer = setTimeout(sayChanged, CALM_MS)
    }
  }
}
