// Friendly "coming soon" screens for tabs that later issues fill in, and the 404 screen.
import { t } from '../i18n.js';
import { emptyState, h, linkButton } from '../ui.js';

const ICONS = { projects: 'vote', report: 'camera', help: 'help' };

export function comingSoon(key) {
  return () => ({
    title: t(`tab.${key}`),
    node: h('div', { class: 'stack' },
      emptyState({
        iconName: ICONS[key] || 'sparkle',
        title: t('soon.title'),
        body: t(`soon.${key}`),
        action: linkButton(t('soon.home'), '/', { variant: 'secondary' }),
      })),
  });
}

export function notFound() {
  return {
    title: t('notFound.title'),
    back: '/',
    node: emptyState({ iconName: 'search', title: t('notFound.title'), body: t('notFound.body'), action: linkButton(t('soon.home'), '/', { variant: 'secondary' }) }),
  };
}
