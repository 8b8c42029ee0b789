// The idle-timeout warning (WCAG 2.2.1 Timing Adjustable): before the server ends an idle session,
// a dialog says so and offers to stay signed in. "Stay signed in" asks the server to reset its idle
// clock; if the time runs out the page reloads, and the server sends the user to sign in.
const dialog = document.getElementById("session-timeout");

if (dialog && typeof dialog.showModal === "function") {
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warning = Number(dialog.dataset.warningSeconds) * 1000;
  const countdown = dialog.querySelector(".app-timeout-dialog__countdown");
  const live = document.getElementById("session-timeout-live");
  const stay = document.getElementById("session-timeout-stay");
  let deadline = Date.now() + idle;
  let warnTimer = null;
  let tick = null;
  let lastFocus = null;

  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const expire = () => {
    clearInterval(tick);
    window.location.reload();
  };

  const update = () => {
    const left = deadline - Date.now();
    if (left <= 0) {
      expire();
      return;
    }
    const text = words(left);
    if (countdown.textContent !== text) {
      countdown.textContent = text;
      // Tell screen readers once a minute, then every 15 seconds in the last minute.
      const seconds = Math.ceil(left / 1000);
      if (seconds % 60 === 0 || (seconds <= 60 && seconds % 15 === 0)) {
        live.textContent = `You will be signed out in ${text}.`;
      }
    }
  };

  const showWarning = () => {
    lastFocus = document.activeElement;
    update();
    live.textContent = `You will be signed out in ${words(deadline - Date.now())}.`;
    dialog.showModal();
    stay.focus();
    tick = setInterval(update, 1000);
  };

  const schedule = () => {
    clearTimeout(warnTimer);
    clearInterval(tick);
    deadline = Date.now() + idle;
    warnTimer = setTimeout(showWarning, Math.max(0, idle - warning));
  };

  const staySignedIn = async () => {
    stay.disabled = true;
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": dialog.dataset.csrfToken, Accept: "application/json" },
      });
      if (!response.ok) {
        expire();
        return;
      }
      dialog.close();
      if (lastFocus && typeof lastFocus.focus === "function") lastFocus.focus();
      schedule();
    } catch (error) {
      expire();
    } finally {
      stay.disabled = false;
    }
  };

  stay.addEventListener("click", staySignedIn);
  // Escape closes a modal dialog: treat it as "stay signed in", as GOV.UK's pattern does.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  schedule();
}
