/** Every string the pages show, in Swedish and English. Keys are the same in both. */
const en = {
  productName: 'Visma Connect',
  signInTitle: 'Sign in',
  signInTo: 'to continue to {client}',
  emailLabel: 'Email address',
  next: 'Next',
  passwordLabel: 'Password',
  signIn: 'Sign in',
  notYou: 'Not you?',
  summaryHeading: 'There is a problem',
  emailRequired: 'Enter your email address.',
  emailInvalid: 'Enter a valid email address, like name@example.com.',
  passwordRequired: 'Enter your password.',
  wrongCredentials: 'The email address or password is incorrect.',
  errorTitle: 'Something went wrong',
  errorCode: 'Error',
  interactionExpired: 'This sign-in has expired or was opened in another browser. Go back to the application and start again.',
  logoutTitle: 'Sign out',
  logoutQuestion: 'Do you want to sign out of Visma Connect?',
  logoutYes: 'Yes, sign me out',
  logoutNo: 'No, stay signed in',
  loggedOutTitle: 'You are signed out',
  loggedOutText: 'You have signed out of Visma Connect. You can close this window.',
  mockBanner: 'Local emulation for development and testing: not the real Visma Connect.',
};

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const sv: Messages = {
  productName: 'Visma Connect',
  signInTitle: 'Logga in',
  signInTo: 'för att fortsätta till {client}',
  emailLabel: 'E-postadress',
  next: 'Nästa',
  passwordLabel: 'Lösenord',
  signIn: 'Logga in',
  notYou: 'Inte du?',
  summaryHeading: 'Något behöver rättas',
  emailRequired: 'Ange din e-postadress.',
  emailInvalid: 'Ange en giltig e-postadress, till exempel namn@exempel.se.',
  passwordRequired: 'Ange ditt lösenord.',
  wrongCredentials: 'E-postadressen eller lösenordet är felaktigt.',
  errorTitle: 'Något gick fel',
  errorCode: 'Fel',
  interactionExpired: 'Inloggningen har gått ut eller öppnades i en annan webbläsare. Gå tillbaka till tjänsten och börja om.',
  logoutTitle: 'Logga ut',
  logoutQuestion: 'Vill du logga ut från Visma Connect?',
  logoutYes: 'Ja, logga ut mig',
  logoutNo: 'Nej, förbli inloggad',
  loggedOutTitle: 'Du är utloggad',
  loggedOutText: 'Du har loggat ut från Visma Connect. Du kan stänga det här fönstret.',
  mockBanner: 'Lokal emulering för utveckling och test: inte det riktiga Visma Connect.',
};

export const LANGUAGES = ['en', 'sv'] as const;
export type Language = (typeof LANGUAGES)[number];

export const MESSAGES: Record<Language, Messages> = { en, sv };
