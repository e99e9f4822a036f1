// Background saving of a case page while the user types (progressive enhancement: without
// JavaScript the page saves on Continue and "Save and come back later").
//
// The page's form carries its CSRF token and page version; each save sends them, and the
// answer gives the new page version. If another tab saved the page meanwhile the server
// refuses (409) and we stop and say so, rather than overwrite anything.

import { forgetTyping, keepTyping, keptTyping } from '/static/js/kept-typing.js'

const QUIET_MS = 1500
// Background saves never carry files: a file chosen waits for the page to be sent.
const FILE_WAITING = 'The file you chose is not uploaded yet: it is uploaded when you press ' +
  'Continue or Save and come back later.'

export function initAutosave (form) {
  let url = form.dataset.autosaveUrl
  const status = form.querySelector('.app-autosave-status__saved')
  const problem = form.querySelector('.app-autosave-status__stopped')
  const version = form.querySelector('input[name="page_version"]')
  let timer = null
  let dirty = false
  let saving = null // the background save on its way, if any (a promise)
  let stopped = false
  let submitting = false

  // Written only when the words change: the same "Saved at 10:42." written again at each
  // pause in the typing is read out again by screen readers, a chatter that says nothing new.
  function write (region, text) {
    if (region && region.textContent !== text) region.textContent = text
  }

  function show (text) {
    write(problem, '')
    write(status, text)
  }

  // Saving in the background has stopped (the page was saved in another tab, or the user was
  // signed out): what is typed from now on is not kept, so this is said at once (role=alert).
  function stop (text) {
    stopped = true
    write(status, '')
    write(problem, text)
  }

  const fileChosen = () => Array.from(form.querySelectorAll('input[type=file]'))
    .some((input) => input.files && input.files.length > 0)

  function formData () {
    const data = new FormData(form)
    for (const [key, value] of Array.from(data.entries())) {
      if (value instanceof File) data.delete(key) // files go with Continue only
    }
    data.delete('action')
    return data
  }

  // keepalive lets the last save finish even when the page is being closed.
  async function save (keepalive = false) {
    if (stopped || submitting) return
    if (saving) { schedule(); return }
    saving = send(keepalive)
    await saving
  }

  async function send (keepalive) {
    dirty = false
    try {
      const response = await fetch(url, {
        method: 'POST', body: formData(), credentials: 'same-origin', keepalive,
        headers: { Accept: 'application/json' }
      })
      const answer = await response.json().catch(() => ({}))
      if (response.ok && answer.saved) {
        version.value = String(answer.page_version)
        if (answer.page_url) moveToSavedCase(answer)
        const now = new Date()
        const time = now.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
        // The reference the first save gave the case appears in the heading's caption: said
        // here too, for a screen reader does not read the caption out again.
        const as = answer.page_url ? ` as draft ${answer.reference}` : ''
        show(`Saved at ${time}${as}.` + (fileChosen() ? ' ' + FILE_WAITING : ''))
      } else if (answer.page_url) { // signed out, but the first save made the case: go there
        moveToSavedCase(answer)
        stop(answer.message)
      } else if (response.status === 409) {
        stop(answer.message || 'This page was changed in another tab. Reload it to see the saved answers.')
      } else if (answer.signed_out || answer.reload) { // Continue would not save it either
        stop(answer.message)
      } else {
        dirty = true
        show('Not saved automatically. Your answers will be saved when you press Continue.')
      }
    } catch (error) {
      dirty = true
      show('Not saved automatically: check your connection. Your answers are still on this page.')
    } finally {
      saving = null
    }
  }

  // The first save of a new case's page created the case: from now on the page is that case's
  // page (its address, its reference, its background saves).
  function moveToSavedCase (answer) {
    url = answer.autosave_url
    form.action = answer.page_url
    window.history.replaceState(null, '', answer.page_url)
    const reference = document.querySelector('.app-reference')
    if (reference) reference.textContent = answer.reference
  }

  function schedule () {
    clearTimeout(timer)
    timer = setTimeout(save, QUIET_MS)
  }

  // Text boxes report each edit as an input event; their change event comes only when they
  // lose the focus, as when the timeout warning takes it, and a save then (of answers saved
  // already) was activity that kept an idle session going past its limit. Radios, checkboxes
  // and selects are saved on either.
  const typed = (element) => element.matches('textarea, input:not([type=radio], [type=checkbox])')

  function changed (event) {
    if (event.target.type === 'file') {
      if (event.type === 'change' && !stopped && fileChosen()) show(FILE_WAITING)
      return
    }
    if (event.type === 'change' && typed(event.target)) return
    dirty = true
    schedule()
  }

  form.addEventListener('input', changed)
  form.addEventListener('change', changed)
  // Typed before this script ran (a slow connection): not yet saved.
  const early = Array.from(form.elements).some((e) => typed(e) && e.type !== 'hidden' &&
    e.type !== 'file' && e.value !== e.defaultValue)
  if (early) { dirty = true; schedule() }
  // Continue pressed while a background save is on its way: wait for its answer, which
  // carries the page's new version, then send the form (else it would look stale).
  form.addEventListener('submit', async (event) => {
    clearTimeout(timer)
    if (saving && !submitting) {
      event.preventDefault()
      submitting = true
      await saving.catch(() => {})
      form.requestSubmit(event.submitter)
      return
    }
    submitting = true
  })

  // Leaving the page (closing the tab, switching away) with unsaved typing: save it now.
  // Reloaded, or left by Back, the page is asked for before this save is even sent (the
  // browser runs pagehide once the next page has come), so the answers go to this tab's
  // sessionStorage too, for the page to pick up if it comes back older than them.
  function flush () {
    if (dirty) {
      clearTimeout(timer)
      keepLeft()
      save(true)
    }
  }

  // The address with its query: a new case's first page differs from the last one's only by
  // its start token, and must not be given that case's typing.
  const leftKey = () => window.location.pathname + window.location.search

  function keepLeft () {
    const answers = {}
    for (const element of questions()) {
      answers[element.id] = checkable(element) ? element.checked : element.value
    }
    keepTyping(leftKey(), { version: version.value, answers }) // refused: the save is still sent
  }

  // The page as it came back is older than the answers typed when it was last left (same
  // version: the save on the way out had not landed): put them back and save them at once.
  // Whether or not that save landed meanwhile, this one stores the same answers.
  function restoreLeft () {
    const left = keptTyping(leftKey())
    forgetTyping(leftKey())
    if (!left || left.version !== version.value || !left.answers) return
    let restored = false
    for (const element of questions()) {
      if (!(element.id in left.answers)) continue
      const value = left.answers[element.id]
      const now = checkable(element) ? element.checked : element.value
      if (now === value) continue
      if (checkable(element)) element.checked = value; else element.value = value
      element.dispatchEvent(new Event('input', { bubbles: true }))
      element.dispatchEvent(new Event('change', { bubbles: true }))
      restored = true
    }
    if (restored) {
      clearTimeout(timer)
      dirty = true
      save()
    }
  }

  function questions () {
    return Array.from(form.elements).filter((e) => e.id && e.name &&
      !['hidden', 'file', 'submit', 'button'].includes(e.type) && e.tagName !== 'BUTTON')
  }

  function checkable (element) {
    return element.type === 'radio' || element.type === 'checkbox'
  }

  restoreLeft()
  window.addEventListener('pagehide', flush)
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush()
  })
}
