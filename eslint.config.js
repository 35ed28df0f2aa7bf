// ESLint: typescript-eslint's type-aware rules over everything we run (the TypeScript of provider/, scenarios/,
// test/ and the JavaScript of bin/ and scripts/, CommonJS in bin/ and *.cjs), ESLint's own over the browser scripts in views/assets/.
// Layout is Prettier's job: eslint-config-prettier, last, turns off every rule it would fight.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'test-artifacts/', 'bin/*.d.ts', 'scripts/*.d.cts'] },
  {
    files: ['**/*.ts', 'bin/*.js', 'bin/*.mjs', 'scripts/*.js', 'scripts/*.cjs', 'eslint.config.js'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: {
          // tsc does not check our JavaScript; the rules still want its types (promises, awaits).
          allowDefaultProject: ['bin/*.js', 'bin/*.mjs', 'scripts/*.js', 'scripts/*.cjs', 'eslint.config.js'],
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 32,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // `typeof import('x')` stays allowed: it names the type of a module we load lazily (otplib).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', package: 'url', name: 'URLSearchParams' },
          ],
        },
      ],
      // oidc-provider's models are patched by keeping a static method and calling it back with .call(this).
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
      // The Store interface and oidc-provider's hooks are async by contract; many implementations need no await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read JSON answers as `any` and assert their shape with expect(); typing each one would only add casts.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Untyped JavaScript: everything is `any` to the compiler, so the no-unsafe rules would flag every line.
    files: ['bin/*.js', 'bin/*.mjs', 'scripts/*.js', 'scripts/*.cjs', 'eslint.config.js'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // CommonJS: bin/ starts without Node's ES module loader (bin/package.json), and so does the staleness check it runs.
    files: ['bin/*.js', 'scripts/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['views/assets/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
  prettier,
);
