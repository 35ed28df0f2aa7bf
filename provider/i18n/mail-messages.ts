import type { Language } from './messages.js';

/** The mails Visma Connect sends, as blocks the two mail templates (HTML and text) lay out. */
export type MailKind = 'verificationCode' | 'verificationLink' | 'passwordReset' | 'oneTimeLink' | 'accountCreated';

export interface MailContent {
  subject: string;
  greeting: string;
  paragraphs: string[];
  /** A code shown large (the verification code). */
  code?: { label: string; value: string; validity: string };
  /** A button (and the same link as text). */
  action?: { label: string; url: string; validity?: string };
  closing: string;
}

export type MailData = Record<string, string>;

const en: Record<MailKind, (d: MailData) => MailContent> = {
  verificationCode: (d) => ({
    subject: 'Verify your e-mail address',
    greeting: `Hello ${d['name']}`,
    paragraphs: [
      'Verifying your e-mail address is an important step in preparing your account for Visma Connect.',
      'Enter the code below in the application that asked for it. When the verification is done, a Visma Connect account with this e-mail address is created for you and connected to your user. If you already have a Visma Connect account with this address, that account is connected instead.',
    ],
    code: { label: 'Your verification code:', value: d['code']!, validity: 'The verification code is valid for 30 minutes.' },
    closing: 'If you do not want to verify your e-mail address, or this message reached you by mistake, you can ignore it. Nothing happens if the code is not used.',
  }),
  verificationLink: (d) => ({
    subject: 'Verify your e-mail address',
    greeting: `Hello ${d['name']}`,
    paragraphs: ['Your administrator asked us to verify your e-mail address for Visma Connect. Click the button to verify it; your account is then connected.'],
    action: { label: 'Verify e-mail address', url: d['url']!, validity: 'The link is valid for 24 hours.' },
    closing: 'If this message reached you by mistake, you can ignore it.',
  }),
  passwordReset: (d) => ({
    subject: 'Reset your password',
    greeting: `Hello ${d['name']}`,
    paragraphs: ['We received a request to reset the password of your Visma Connect account.'],
    action: { label: 'Reset password', url: d['url']!, validity: 'The link is valid for 1 hour and can be used once.' },
    closing: 'If you did not ask for this, you can ignore this e-mail: your password stays the same.',
  }),
  oneTimeLink: (d) => ({
    subject: 'Your one-time sign-in link',
    greeting: `Hello ${d['name']}`,
    paragraphs: ['Use this link to sign in to Visma Connect without your password.'],
    action: { label: 'Sign in', url: d['url']!, validity: 'The link is valid for 15 minutes and can be used once.' },
    closing: 'If you did not ask for this, you can ignore this e-mail.',
  }),
  accountCreated: (d) => ({
    subject: 'Your Visma Connect account is ready',
    greeting: `Hello ${d['name']}`,
    paragraphs: [`Your user is now connected to a Visma Connect account for ${d['email']}.`, 'To create your password, open Account Settings, enter your e-mail address and choose "Forgot your password?".'],
    action: { label: 'Manage your account', url: d['url']! },
    closing: 'Welcome to Visma Connect.',
  }),
};

const sv: Record<MailKind, (d: MailData) => MailContent> = {
  verificationCode: (d) => ({
    subject: 'Verifiera din e-postadress',
    greeting: `Hej ${d['name']}`,
    paragraphs: [
      'Vi uppdaterar snart inloggningslösning till Visma Connect. Att verifiera din e-postadress är ett viktigt steg för att förbereda ditt konto inför kommande förändringar.',
      'Ange koden nedan i Flex HRM för att verifiera din e-postadress. När verifieringen är klar skapas ett Visma Connect-konto åt dig med denna e-postadress, och det kopplas till din Flex HRM-användare. Om du redan har ett Visma Connect-konto med denna e-postadress kopplas istället ditt befintliga konto till Flex HRM.',
    ],
    code: { label: 'Din verifieringskod:', value: d['code']!, validity: 'Verifieringskoden är giltig i 30 minuter.' },
    closing: 'Om du inte vill verifiera din e-postadress eller om detta meddelande har nått dig av misstag kan du ignorera det. Ingen åtgärd kommer att vidtas om koden inte används.',
  }),
  verificationLink: (d) => ({
    subject: 'Verifiera din e-postadress',
    greeting: `Hej ${d['name']}`,
    paragraphs: ['Din administratör har bett oss verifiera din e-postadress för Visma Connect. Klicka på knappen för att verifiera den; därefter aktiveras kopplingen till ditt konto.'],
    action: { label: 'Verifiera e-postadress', url: d['url']!, validity: 'Länken är giltig i 24 timmar.' },
    closing: 'Om detta meddelande har nått dig av misstag kan du ignorera det.',
  }),
  passwordReset: (d) => ({
    subject: 'Återställ ditt lösenord',
    greeting: `Hej ${d['name']}`,
    paragraphs: ['Vi har fått en begäran om att återställa lösenordet till ditt Visma Connect-konto.'],
    action: { label: 'Återställ lösenord', url: d['url']!, validity: 'Länken är giltig i 1 timme och kan användas en gång.' },
    closing: 'Om du inte har bett om detta kan du ignorera e-postmeddelandet: ditt lösenord är oförändrat.',
  }),
  oneTimeLink: (d) => ({
    subject: 'Din engångslänk för inloggning',
    greeting: `Hej ${d['name']}`,
    paragraphs: ['Använd länken för att logga in i Visma Connect utan ditt lösenord.'],
    action: { label: 'Logga in', url: d['url']!, validity: 'Länken är giltig i 15 minuter och kan användas en gång.' },
    closing: 'Om du inte har bett om detta kan du ignorera e-postmeddelandet.',
  }),
  accountCreated: (d) => ({
    subject: 'Ditt Visma Connect-konto är klart',
    greeting: `Hej ${d['name']}`,
    paragraphs: [`Din användare är nu kopplad till ett Visma Connect-konto för ${d['email']}.`, 'Skapa ditt lösenord via Account Settings: ange din e-postadress och välj "Glömt ditt lösenord?".'],
    action: { label: 'Hantera ditt konto', url: d['url']! },
    closing: 'Välkommen till Visma Connect.',
  }),
};

export function mailContent(kind: MailKind, language: Language, data: MailData): MailContent {
  return (language === 'sv' ? sv : en)[kind](data);
}

/** `sv-SE` → sv; anything not Swedish → en. */
export const mailLanguage = (locale: string | undefined): Language => (locale?.toLowerCase().startsWith('en') ? 'en' : 'sv');
