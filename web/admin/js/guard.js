// Warns before leaving a form with unsaved changes, whether the user
// follows a link inside the page or closes the tab.

let isDirty = null;

/** setLeaveGuard installs the check (a function returning true when there
 * are unsaved changes), or removes it with null. */
export function setLeaveGuard(check) {
  isDirty = check;
}

/** mayLeave asks the user, when needed, whether to leave the current view. */
export function mayLeave() {
  if (!isDirty || !isDirty()) return true;
  const leave = window.confirm("Du har ändringar som inte är sparade. Vill du lämna sidan ändå?");
  if (leave) isDirty = null;
  return leave;
}

window.addEventListener("beforeunload", (e) => {
  if (isDirty && isDirty()) {
    e.preventDefault();
    e.returnValue = "";
  }
});
