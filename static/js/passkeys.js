// After a passkey is registered (django-otp-webauthn's script sends the event), go on to the page
// the container names: the recovery codes at enrolment, the security page afterwards.
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function () {
    var container = document.querySelector("[data-passkey-done]");
    if (container) {
      window.location.assign(container.getAttribute("data-passkey-done"));
    }
  });
})();
