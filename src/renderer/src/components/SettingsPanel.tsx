import type { JSX } from 'react';
import type { AppSession, AppSettings, Theme } from '../../../shared/app-api';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

interface Props {
  readonly settings: AppSettings;
  readonly session: AppSession;
  readonly version: string;
  readonly onChange: (patch: Partial<AppSettings>) => void;
  readonly onSignOut: () => void;
  readonly onClose: () => void;
}

const THEME_LABEL: Readonly<Record<Theme, string>> = {
  system: 'Same as the system',
  light: 'Light',
  dark: 'Dark',
};

export function SettingsPanel(props: Props): JSX.Element {
  const { settings } = props;
  const toggle = (key: 'doNotDisturb' | 'sound' | 'startAtLogin', label: string, hint: string) => (
    <label className="setting">
      <input
        type="checkbox"
        checked={settings[key]}
        onChange={(e) => props.onChange({ [key]: e.target.checked })}
      />
      <span>
        <span className="setting__label">{label}</span>
        <span className="setting__hint">{hint}</span>
      </span>
    </label>
  );
  return (
    <Modal title="Settings" onClose={props.onClose}>
      <div className="settings">
        <fieldset>
          <legend>Theme</legend>
          {(['system', 'light', 'dark'] as const).map((theme) => (
            <label key={theme} className="setting setting--inline">
              <input
                type="radio"
                name="theme"
                checked={settings.theme === theme}
                onChange={() => props.onChange({ theme })}
              />
              {THEME_LABEL[theme]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Notifications</legend>
          {toggle(
            'doNotDisturb',
            'Do not disturb',
            'No toasts. Leads still land in your queue and the status bar says so.',
          )}
          {toggle('sound', 'Sound', 'Toasts play the system notification sound.')}
        </fieldset>
        <fieldset>
          <legend>Start-up</legend>
          {toggle('startAtLogin', 'Start Pounce when I sign in to my computer', '')}
        </fieldset>
        <p className="muted">
          Signed in as {props.session.user.name} ({props.session.user.email}) to{' '}
          {props.session.serverUrl} · Pounce {props.version}
        </p>
      </div>
      <div className="modal__buttons">
        <button onClick={props.onSignOut}>Sign out</button>
        <button className="primary" onClick={props.onClose}>
          Done <Kbd k="Esc" />
        </button>
      </div>
    </Modal>
  );
}
