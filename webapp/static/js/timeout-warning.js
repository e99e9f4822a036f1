// The warning before an idle sign-in ends (the GOV.UK/HMRC timeout-warning pattern).
//
// The server is the clock: before warning, the page asks how long the session has left
// (asking does not extend it), so typing saved in the background or another tab's activity
// postpones the warning instead of being contradicted by it. "Stay signed in" (or Escape)
// sends a keep-alive POST with the CSRF token. If the time runs out, a case page is sent as
// it stands (the server keeps what was typed and asks the user to sign in again); any other
// page is loaded again, which leads to the sign-in page saying why.

const RETRY_MS = 10000 // when the server cannot be reached, ask again this much later

function inWords (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return minutes + (minutes === 1 ? ' minute' : ' minutes')
  }
  return seconds + (seconds === 1 ? ' second' : ' seconds')
}

// What a screen reader hears: each whole minute, then once near the end (not every second).
function spokenWords (seconds) {
  if (seconds >= 60) return inWords(seconds)
  return seconds > 20 ? 'less than a minute' : '20 seconds'
}

export function initTimeoutWarning (dialog) {
  const warnBefore = Number(dialog.dataset.warningSeconds)
  const countdown = dialog.querySelector('.app-timeout-dialog__countdown')
  const spoken = dialog.querySelector('.app-timeout-dialog__spoken')
  const stay = dialog.querySelector('.app-timeout-dialog__stay')
  let timer = null
  let ticker = null
  let endsAt = 0
  let returnFocus = null

  // Seconds the session has left by the server's answer; 0 when it has ended, null when the
  // server could not be reached.
  async function secondsLeft (url, options = {}) {
    try {
      const response = await fetch(url, {
        credentials: 'same-origin',
        ...options,
        headers: { Accept: 'application/json', ...(options.headers || {}) }
      })
      const answer = await response.json().catch(() => ({}))
      return response.ok ? Number(answer.seconds_left) || 0 : 0
    } catch (error) {
      return null
    }
  }

  function plan (left) {
    clearTimeout(timer)
    timer = setTimeout(check, Math.max(0, left - warnBefore) * 1000)
  }

  async function check () {
    const left = await secondsLeft(dialog.dataset.statusUrl)
    if (left === null) {
      timer = setTimeout(check, RETRY_MS)
    } else if (left <= 0) {
      signedOut()
    } else if (left > warnBefore + 1) {
      hide()
      plan(left)
    } else {
      show(left)
    }
  }

  function show (left) {
    endsAt = Date.now() + left * 1000
    spoken.textContent = ''
    if (!dialog.open) {
      returnFocus = document.activeElement
      dialog.showModal()
    }
    stay.focus()
    tick()
    clearInterval(ticker)
    ticker = setInterval(tick, 1000)
  }

  function tick () {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000))
    countdown.textContent = inWords(left)
    const words = 'For your security, we will sign you out in ' + spokenWords(left) + '.'
    if (spoken.textContent !== words) spoken.textContent = words
    if (left === 0) {
      clearInterval(ticker)
      check() // another tab may have kept the session going
    }
  }

  function hide () {
    clearInterval(ticker)
    if (dialog.open) {
      dialog.close()
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus()
    }
  }

  async function staySignedIn () {
    const left = await secondsLeft(dialog.dataset.keepAliveUrl, {
      method: 'POST',
      headers: { 'X-CSRFToken': dialog.dataset.csrfToken }
    })
    if (left === null) return // offline: the dialog stays, and the user can try again
    if (left <= 0) {
      signedOut()
    } else if (left > warnBefore) {
      hide()
      plan(left)
    } else {
      show(left) // the session's absolute limit is near: staying cannot push it further
    }
  }

  function signedOut () {
    hide()
    const caseForm = document.querySelector('form.app-case-form')
    if (caseForm) {
      caseForm.requestSubmit()
    } else {
      window.location.assign(window.location.href)
    }
  }

  stay.addEventListener('click', staySignedIn)
  dialog.addEventListener('cancel', (event) => { // Escape means "stay signed in"
    event.preventDefault()
    staySignedIn()
  })
  plan(Number(dialog.dataset.secondsLeft))
}
