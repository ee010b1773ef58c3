// The colour theme picker in the studio's header: the account's choice of light, dark, or the browser's scheme
// (theme-choice.ts). A choice shows at once and is then saved with the account; if the server refuses it, the page
// goes back to the account's theme and says so.
import { useEffect, useId, useState } from "react";
import type { Theme } from "../contract/api-theme.ts";
import { ApiError } from "./api-client.ts";
import { chooseTheme, currentTheme, isTheme, onThemeChange, THEME_CHOICES } from "./theme-choice.ts";

export function ThemePicker() {
  const [theme, setTheme] = useState<Theme>(currentTheme);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  useEffect(() => {
    setTheme(currentTheme());
    return onThemeChange(setTheme);
  }, []);

  function choose(value: string) {
    if (!isTheme(value)) return;
    setError(null);
    chooseTheme(value).catch((caught: unknown) =>
      setError(`Your theme was not saved: ${caught instanceof ApiError ? caught.message : String(caught)}`),
    );
  }

  return (
    <span className="vt-theme-picker">
      <label>
        <span className="vt-theme-word">Theme </span>
        <select
          value={theme}
          onChange={(event) => choose(event.target.value)}
          aria-describedby={error ? errorId : undefined}
        >
          {THEME_CHOICES.map((choice) => (
            <option key={choice.theme} value={choice.theme}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <span id={errorId} className="vt-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
