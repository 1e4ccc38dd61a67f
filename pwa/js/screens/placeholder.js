// The 404 screen for paths no route matches.
import { t } from '../i18n.js';
import { emptyState, linkButton } from '../ui.js';

export function notFound() {
  return {
    title: t('notFound.title'),
    back: '/',
    node: emptyState({ iconName: 'search', title: t('notFound.title'), body: t('notFound.body'), action: linkButton(t('soon.home'), '/', { variant: 'secondary' }) }),
  };
}
