// What is typed on a page and not sent yet, kept in this tab's sessionStorage so that it
// survives the page being reloaded or left and come back to: the case pages' answers (used by
// autosave.js, for the moment before their save on the way out lands) and the text boxes of
// caseviewer's case page, where pressing one form's button must not lose what was typed in
// another's. One place for it, one key prefix, and one clearing at sign-out (and at a
// signed-in page of someone else). A timeout is not a sign-out: the same user signing in
// again in the tab gets their typing back (README, "Typing kept through a timeout").

const PREFIX = 'app-autosave-left:' // the name the first keeper gave it: entries kept before still clear

const KEPT_FOR = 'app-kept-typing-for' // whose typing the tab holds (the page's data-kept-for)

// Signed out by pressing Sign out (the page's data-signed-out; never after a timeout):
// everything kept in this tab is forgotten, for sessionStorage outlives signing out, and the
// next person at a shared computer could read it (or have it put back on a case as theirs).
export function forgetLeftTyping () {
  try {
    const storage = window.sessionStorage
    for (const key of Object.keys(storage)) {
      if (key.startsWith(PREFIX)) storage.removeItem(key)
    }
    storage.removeItem(KEPT_FOR)
  } catch (error) {} // storage refused: nothing was kept in it
}

// Signed in as `owner` (a mark of the user, never their name): typing this tab kept for anyone
// else is forgotten before any page can put it back. Signing out in another tab leaves this
// tab's storage as it was, and the next person to sign in at the computer would otherwise be
// given, in this tab, what the last one typed here (found by attack4).
export function keepTypingOnlyFor (owner) {
  try {
    const storage = window.sessionStorage
    if (storage.getItem(KEPT_FOR) === owner) return
    forgetLeftTyping()
    storage.setItem(KEPT_FOR, owner)
  } catch (error) {}
}

export function keepTyping (key, kept) {
  try {
    window.sessionStorage.setItem(PREFIX + key, JSON.stringify(kept))
  } catch (error) {} // storage full or refused: the typing is still on the page
}

export function keptTyping (key) {
  try {
    return JSON.parse(window.sessionStorage.getItem(PREFIX + key) || 'null')
  } catch (error) {
    return null
  }
}

export function forgetTyping (key) {
  try {
    window.sessionStorage.removeItem(PREFIX + key)
  } catch (error) {}
}

// A page of several forms, each sent on its own (caseviewer's case page: notes, transitions,
// assignment). `container` names the page in data-kept-typing; each text box to keep names
// itself in data-kept-as (a transition's note by its action, which stays when the page's
// numbering of the boxes changes). A box's typing is kept as it is typed and put back when the
// page comes again; sending the box's own form forgets it (unless data-kept-through-sending). Refused, the form comes back from
// the server with the text in its box (never lost), and it is kept again from there.
export function initKeptBoxes (container) {
  const key = container.dataset.keptTyping
  const boxes = Array.from(container.querySelectorAll('[data-kept-as]'))
  const before = keptTyping(key) || {}
  const kept = {}
  for (const box of boxes) {
    const as = box.dataset.keptAs
    if (box.value) {
      kept[as] = box.value // the server's: this box's form was just refused
    } else if (typeof before[as] === 'string' && before[as]) {
      box.value = kept[as] = before[as]
      box.dispatchEvent(new Event('input', { bubbles: true })) // a character count updates
    }
  }
  keepTyping(key, kept)
  container.addEventListener('input', (event) => {
    const as = event.target.dataset && event.target.dataset.keptAs
    if (!as) return
    if (event.target.value) kept[as] = event.target.value; else delete kept[as]
    keepTyping(key, kept)
  })
  container.addEventListener('submit', (event) => {
    // Kept through sending where the page, once its form lands, is not shown again under this
    // key (the school's message: its key names the council's request it answers), so that a
    // send refused for want of a session is put back after signing in again.
    if (container.hasAttribute('data-kept-through-sending')) return
    for (const box of event.target.querySelectorAll('[data-kept-as]')) delete kept[box.dataset.keptAs]
    keepTyping(key, kept)
  })
}
