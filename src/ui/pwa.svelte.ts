/// <reference types="vite-plugin-pwa/vanillajs" />
// Service-worker registration with registerType 'prompt': a new version waits until the user accepts it.
import { registerSW } from 'virtual:pwa-register';

export class AppUpdate {
  needRefresh = $state(false);
  offlineReady = $state(false);
  #update: ((reload?: boolean) => Promise<void>) | null = null;

  register(): void {
    if (!('serviceWorker' in navigator)) return;
    this.#update = registerSW({
      onNeedRefresh: () => (this.needRefresh = true),
      onOfflineReady: () => (this.offlineReady = true),
    });
  }

  async apply(): Promise<void> {
    await this.#update?.(true);
  }

  dismiss(): void {
    this.needRefresh = false;
    this.offlineReady = false;
  }
}
