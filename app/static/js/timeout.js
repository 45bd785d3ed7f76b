// The idle-timeout warning (WCAG 2.2.1): a dialog two minutes before the server ends the session
// (deletes a victim's unsaved answers, or signs staff out), with a countdown and a button that keeps
// it alive. Markup: templates/components/timeout_dialog.html. Without JavaScript the limit is stated.
const dialog = document.getElementById("force-timeout");

if (dialog && typeof dialog.showModal === "function") {
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warn = Math.min(Number(dialog.dataset.warnSeconds) * 1000, idle / 2);
  const time = dialog.querySelector(".force-timeout__time");
  const live = document.getElementById("force-timeout-live");
  let deadline = 0;
  let warnTimer = 0;
  let tick = 0;

  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds > 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minutes`;
    }
    return seconds === 1 ? "1 second" : `${seconds} seconds`;
  };

  const countdown = () => {
    const left = deadline - Date.now();
    if (left <= 0) {
      window.location.href = dialog.dataset.timedOutUrl;
      return;
    }
    time.textContent = words(left);
    // Announce only every 15 seconds in the last minute, so a screen reader is not flooded.
    const seconds = Math.ceil(left / 1000);
    if (seconds <= 60 && seconds % 15 === 0) {
      live.textContent = dialog.dataset.liveText.replace("{time}", words(left));
    }
  };

  const schedule = () => {
    window.clearTimeout(warnTimer);
    window.clearInterval(tick);
    deadline = Date.now() + idle;
    warnTimer = window.setTimeout(() => {
      countdown();
      dialog.showModal();
      tick = window.setInterval(countdown, 1000);
    }, idle - warn);
  };

  const keepAlive = async () => {
    window.clearInterval(tick);
    if (dialog.open) dialog.close();
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": dialog.dataset.csrfToken },
        credentials: "same-origin",
      });
      if (response.status === 410) {
        window.location.href = dialog.dataset.timedOutUrl;
        return;
      }
    } catch (error) {
      // Offline for a moment: the next page load will tell the person if the answers have gone.
    }
    schedule();
  };

  dialog.querySelector("[data-timeout-continue]").addEventListener("click", keepAlive);
  // Escape closes the dialog; treat it as "continue", as the HMRC pattern does.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    keepAlive();
  });
  schedule();
}
