// Slots and the caller's bookings. The server decides every conflict: a slot someone
// else booked first is its 409, a booking changed in another tab is its 412. Here
// they become sentences and a fresh list.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { ApiError, call } from "../api";
import { bookingsBook, bookingsCancelBooking, bookingsListBookings, bookingsUpdateBooking, slotsListSlots } from "../client/sdk.gen";
import type { BookingOut } from "../client/types.gen";
import { ErrorMessage } from "../components/ErrorMessage";
import { Page } from "../components/Pages";
import { useSignedInUser } from "../session";
import { ResendVerification } from "./account";

const TAKEN = "Someone booked this slot a moment ago: choose another one.";
const CHANGED = "This booking changed since you opened it (in another tab or device): the list is reloaded, try again.";

const slotsQuery = { queryKey: ["slots"], queryFn: () => call(slotsListSlots({ query: { limit: 100 } })) };
const bookingsQuery = { queryKey: ["bookings"], queryFn: () => call(bookingsListBookings({ query: { limit: 100 } })) };

function when(startsAt: string, endsAt: string): string {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  return `${format.format(new Date(startsAt))} – ${format.format(new Date(endsAt))}`;
}

export function SlotsPage() {
  const me = useSignedInUser();
  const queryClient = useQueryClient();
  const slots = useQuery(slotsQuery);
  const book = useMutation({
    // A fresh key per attempt: a retried request can never book twice.
    mutationFn: (slotId: number) =>
      call(bookingsBook({ body: { slot_id: slotId }, headers: { "Idempotency-Key": crypto.randomUUID() } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["slots"] }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["bookings"] }),
  });
  const bookError = book.error instanceof ApiError && book.error.status === 409 ? new ApiError(409, { ...book.error.problem, detail: TAKEN }) : book.error;
  return (
    <Page title="Book a slot">
      {!me.email_verified && (
        <div className="rounded border border-amber-300 bg-amber-50 p-3">
          <p>Confirm your address to book: the link is in the mail we sent you.</p>
          <ResendVerification />
        </div>
      )}
      {book.isSuccess && <p role="status">Booked: {when(book.data.starts_at, book.data.ends_at)}.</p>}
      {book.isError && <ErrorMessage error={bookError} />}
      {slots.isError && <ErrorMessage error={slots.error} onRetry={() => void slots.refetch()} />}
      {slots.isPending && <p>Loading the slots…</p>}
      {slots.data && slots.data.items.length === 0 && <p>No slots are open yet.</p>}
      <ul className="flex flex-col gap-2">
        {slots.data?.items.map((slot) => (
          <li key={slot.id} className="flex items-center gap-4">
            <span>{when(slot.starts_at, slot.ends_at)}</span>
            {slot.available ? (
              <button
                type="button"
                data-testid={`book-${String(slot.id)}`}
                className="rounded border border-blue-700 px-3 py-1 text-blue-800"
                disabled={book.isPending}
                onClick={() => {
                book.mutate(slot.id);
              }}>
                Book
              </button>
            ) : (
              <span className="text-gray-700">taken</span>
            )}
          </li>
        ))}
      </ul>
    </Page>
  );
}

function BookingRow({ booking }: { booking: BookingOut }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const reload = () => queryClient.invalidateQueries({ queryKey: ["bookings"] });
  // The version read with the list is the If-Match: a change made since is a 412.
  const save = useMutation({
    mutationFn: (note: string) =>
      call(bookingsUpdateBooking({ path: { booking_id: booking.id }, body: { note }, headers: { "If-Match": `"${String(booking.version)}"` } })),
    onSuccess: async () => {
      setEditing(false);
      await reload();
    },
    onError: reload,
  });
  const cancel = useMutation({
    mutationFn: () => call(bookingsCancelBooking({ path: { booking_id: booking.id }, headers: { "If-Match": `"${String(booking.version)}"` } })),
    onSettled: async () => {
      await reload();
      await queryClient.invalidateQueries({ queryKey: ["slots"] });
    },
  });
  const error = save.error ?? cancel.error;
  const shown = error instanceof ApiError && error.status === 412 ? new ApiError(412, { ...error.problem, detail: CHANGED }) : error;
  return (
    <li className="flex flex-col gap-2 rounded border border-gray-300 p-3">
      <span className="font-medium">{when(booking.starts_at, booking.ends_at)}</span>
      {editing ? (
        <form
          className="flex gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            const note = new FormData(event.currentTarget).get("note");
            save.mutate(typeof note === "string" ? note : "");
          }}
        >
          <label className="sr-only" htmlFor={`note-${String(booking.id)}`}>Note</label>
          <input id={`note-${String(booking.id)}`} name="note" defaultValue={booking.note} className="grow rounded border border-gray-400 px-2 py-1" />
          <button type="submit" className="underline">Save</button>
        </form>
      ) : (
        <span>{booking.note || "No note"}</span>
      )}
      {shown && <ErrorMessage error={shown} />}
      <div className="flex gap-4">
        {!editing && <button type="button" className="underline" onClick={() => {
          setEditing(true);
        }}>Edit the note</button>}
        <button type="button" className="underline" onClick={() => {
          cancel.mutate();
        }}>Cancel the booking</button>
      </div>
    </li>
  );
}

export function BookingsPage() {
  const bookings = useQuery(bookingsQuery);
  return (
    <Page title="Your bookings">
      {bookings.isError && <ErrorMessage error={bookings.error} onRetry={() => void bookings.refetch()} />}
      {bookings.isPending && <p>Loading your bookings…</p>}
      {bookings.data && bookings.data.items.length === 0 && <p>You have no bookings yet.</p>}
      <ul className="flex flex-col gap-3">
        {bookings.data?.items.map((booking) => <BookingRow key={`${String(booking.id)}-${String(booking.version)}`} booking={booking} />)}
      </ul>
    </Page>
  );
}
