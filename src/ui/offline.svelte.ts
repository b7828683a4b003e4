// Whether the browser is online (BoneLens works either way; saying so reassures), and the browser's offer to
// install the app, kept until the user takes it (Chromium fires `beforeinstallprompt`; others never do).

export class Connectivity {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  /** Follows the online/offline events; returns the function that stops. */
  watch(): () => void {
    const update = () => (this.online = navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    update();
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }
}

/** The event Chromium fires when the page can be installed (not in TypeScript's DOM types). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export class InstallOffer {
  #event = $state.raw<BeforeInstallPromptEvent | null>(null);
  available = $derived(this.#event !== null);

  watch(): () => void {
    const offer = (event: Event) => {
      event.preventDefault(); // our own button instead of the browser's mini bar
      this.#event = event as BeforeInstallPromptEvent;
    };
    const installed = () => (this.#event = null);
    window.addEventListener('beforeinstallprompt', offer);
    window.addEventListener('appinstalled', installed);
    return () => {
      window.removeEventListener('beforeinstallprompt', offer);
      window.removeEventListener('appinstalled', installed);
    };
  }

  async prompt(): Promise<void> {
    const event = this.#event;
    if (!event) return;
    this.#event = null; // an offer can be used once
    await event.prompt();
    await event.userChoice;
  }
}
