import { useId } from "react";

type FieldProps = {
  label: string;
  name: string;
  type?: "text" | "email" | "password" | "datetime-local";
  autoComplete?: string;
  required?: boolean;
  defaultValue?: string;
};

/** A labelled input: every control has a name people and screen readers can read. */
export function Field({ label, name, type = "text", autoComplete, required = true, defaultValue }: FieldProps) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required={required}
        defaultValue={defaultValue}
        className="rounded border border-gray-400 px-2 py-1"
      />
    </div>
  );
}

export function SubmitButton({ children, pending }: { children: string; pending: boolean }) {
  return (
    <button
      type="submit"
      disabled={pending}
      className="rounded bg-blue-700 px-4 py-2 font-medium text-white disabled:opacity-60"
    >
      {pending ? "Working…" : children}
    </button>
  );
}

/** The form's named values, as strings. */
export function valuesOf(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  new FormData(form).forEach((value, key) => {
    values[key] = typeof value === "string" ? value : "";
  });
  return values;
}
